package io.sadump.archive;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed signing keys for the tests, written as PEM files. */
final class TestKeys {
    private TestKeys() {}

    record Pem(Path key, Path cert, X509Certificate certificate) {}

    static Pem create(Path dir, String name, String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            g.initialize(2048, new SecureRandom());
        } else {
            g.initialize(256, new SecureRandom());
        }
        KeyPair kp = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name + ",O=sadump tests");
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now), new Date(now
                - 3_600_000L), new Date(now + 86_400_000L * 365), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
        String sigAlg = algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())));
        Path key = dir.resolve(name + "-key.pem");
        Path certFile = dir.resolve(name + "-cert.pem");
        write(key, kp.getPrivate());
        write(certFile, cert);
        return new Pem(key, certFile, cert);
    }

    private static void write(Path f, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(f); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
    }
}
