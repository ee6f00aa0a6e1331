package io.sadump.hmc.web;

import io.sadump.archive.ArchiveSigning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/**
 * The server's TLS identity from the PEM files operators have (what openssl and certbot write), turned into
 * an in-memory key store for Jetty: nothing is written to disk, and the store's password is random and
 * lives only as long as the server.
 *
 * @param store a PKCS#12 key store holding one entry, {@link #ALIAS}
 * @param password the key store's and the entry's password
 */
record TlsKeys(KeyStore store, char[] password) {
    static final String ALIAS = "sadump-hmc";

    static TlsKeys load(Path certPem, Path keyPem) {
        X509Certificate[] chain = readChain(certPem);
        PrivateKey key = readKey(keyPem, certPem, chain[0]);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, password, chain);
            return new TlsKeys(ks, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new WebConfigException("--tls-key " + keyPem + " does not fit the certificate in " + certPem + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads the key (Bouncy Castle's PEM reader knows PKCS#8, PKCS#1 and SEC1), re-made as a JDK key of the
     * certificate's algorithm so that the JDK's TLS uses it, and checked against the certificate: a key that
     * does not belong to it would only fail at the first handshake, with a message no one understands.
     */
    private static PrivateKey readKey(Path keyPem, Path certPem, X509Certificate leaf) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        PrivateKey key;
        try {
            PrivateKey read = ArchiveSigning.readKey(keyPem);
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(read.getEncoded()));
        } catch (IOException | RuntimeException e) {
            throw new WebConfigException("--tls-key " + keyPem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new WebConfigException("--tls-key " + keyPem + " is not a " + algorithm + " key, as the certificate "
                    + certPem + " needs", e);
        }
        try {
            String sigAlg = algorithm.equals("RSA") ? "SHA256withRSA" : algorithm.equals("EC") ? "SHA256withECDSA"
                    : algorithm;
            byte[] probe = "sadump-hmc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(sigAlg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(leaf.getPublicKey());
            s.update(probe);
            if (!s.verify(sig)) {
                throw new WebConfigException("--tls-key " + keyPem + " is not the key of the certificate " + certPem);
            }
        } catch (GeneralSecurityException e) {
            throw new WebConfigException("--tls-key " + keyPem + " is not the key of the certificate " + certPem
                    + " (" + e.getMessage() + ")", e);
        }
        return key;
    }

    private static X509Certificate[] readChain(Path certPem) {
        try (InputStream in = Files.newInputStream(certPem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new WebConfigException("--tls-cert " + certPem + ": no certificate in PEM form found");
            }
            return certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException e) {
            throw new WebConfigException("--tls-cert " + certPem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new WebConfigException("--tls-cert " + certPem + ": not an X.509 certificate in PEM form ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "TlsKeys[" + ALIAS + "]"; // never the password
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsKeys t && t.store == store && Arrays.equals(t.password, password);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(store);
    }
}
