package io.sadump.archive;

import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Detached CMS (PKCS #7, RFC 5652) signatures over an archive's {@code SHA256SUMS}, made and checked
 * with Bouncy Castle; {@code openssl cms -verify -binary -inform DER -content SHA256SUMS -in
 * SHA256SUMS.p7s -CAfile CERT.pem} accepts them. Keys and certificates are read from PEM files
 * (PKCS #8 or traditional RSA/EC keys, unencrypted).
 */
public final class ArchiveSigning {
    private ArchiveSigning() {}

    /** The provider instance; it is not installed globally. */
    static final Provider BC = new BouncyCastleProvider();

    /** A key and the certificate that goes with it. */
    public record Signer(PrivateKey key, X509Certificate certificate) {}

    /** What a signature check found. */
    public record SignatureCheck(String signer, boolean trusted) {}

    public static Signer load(Path keyPem, Path certPem) throws IOException {
        PrivateKey key = readKey(keyPem);
        X509Certificate cert = readCertificate(certPem);
        return new Signer(key, cert);
    }

    public static PrivateKey readKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(BC);
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IOException(pem + ": no unencrypted private key in PEM form found"
                    + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
        }
    }

    public static X509Certificate readCertificate(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof X509CertificateHolder h) {
                return new JcaX509CertificateConverter().setProvider(BC).getCertificate(h);
            }
            throw new IOException(pem + ": no X.509 certificate in PEM form found");
        } catch (CertificateException e) {
            throw new IOException(pem + ": unreadable certificate: " + e.getMessage(), e);
        }
    }

    static String signatureAlgorithm(PrivateKey key) {
        switch (key.getAlgorithm()) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
            case "ECDSA":
                return "SHA256withECDSA";
            case "Ed25519":
            case "EdDSA":
                return "Ed25519";
            default:
                throw new InvalidValueException("cannot sign with a " + key.getAlgorithm()
                        + " key (use RSA, EC or Ed25519)");
        }
    }

    /** A detached CMS SignedData over {@code content}, DER encoded, with the signer's certificate. */
    public static byte[] sign(byte[] content, Signer signer) throws IOException {
        try {
            ContentSigner cs = new JcaContentSignerBuilder(signatureAlgorithm(signer.key())).setProvider(BC)
                    .build(signer.key());
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BC).build()).build(cs, signer.certificate()));
            gen.addCertificates(new JcaCertStore(List.of(signer.certificate())));
            CMSSignedData sd = gen.generate(new CMSProcessableByteArray(content), false);
            return sd.getEncoded("DER");
        } catch (OperatorCreationException | CMSException | CertificateException e) {
            throw new IOException("cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a detached signature over {@code content}. With {@code trusted} the signature must be by that
     * certificate; without, the certificate inside the signature is used (integrity only).
     *
     * @throws ArchiveVerificationException when the signature does not match
     */
    public static SignatureCheck verify(byte[] content, byte[] signature, X509Certificate trusted, String what)
            throws ArchiveVerificationException {
        try {
            CMSSignedData sd = new CMSSignedData(new CMSProcessableByteArray(content), signature);
            Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
            if (signers.isEmpty()) {
                throw new ArchiveVerificationException(what + ": the signature holds no signer");
            }
            for (SignerInformation si : signers) {
                X509Certificate cert = trusted;
                if (cert == null) {
                    @SuppressWarnings("unchecked")
                    Collection<X509CertificateHolder> match = sd.getCertificates().getMatches(si.getSID());
                    if (match.isEmpty()) {
                        throw new ArchiveVerificationException(what + ": the signature carries no certificate; give "
                                + "--cert");
                    }
                    cert = new JcaX509CertificateConverter().setProvider(BC).getCertificate(match.iterator().next());
                } else if (!si.getSID().match(new X509CertificateHolder(cert.getEncoded()))) {
                    throw new ArchiveVerificationException(what + ": signed by another key than the certificate "
                            + cert.getSubjectX500Principal().getName());
                }
                if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(cert))) {
                    throw new ArchiveVerificationException(what + ": the signature does not match SHA256SUMS");
                }
                return new SignatureCheck(cert.getSubjectX500Principal().getName(), trusted != null);
            }
            throw new ArchiveVerificationException(what + ": no signer");
        } catch (CMSException | OperatorCreationException | CertificateException | IOException
                | RuntimeException e) {
            if (e instanceof ArchiveVerificationException ave) {
                throw ave;
            }
            throw new ArchiveVerificationException(what + ": the signature is damaged or does not match: "
                    + e.getMessage(), e);
        }
    }
}
