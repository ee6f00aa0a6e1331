package io.sadump.hmc.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over TLS from PEM files openssl wrote (RSA in PKCS#8, EC in SEC1): HSTS, a {@code __Host-}
 * cookie with {@code Secure}, no clear-text listener, and one-line refusals of a key that does not fit.
 */
class HmcWebServerTlsTest {
    @TempDir
    Path tmp;
    HmcSite site;

    @BeforeEach
    void site() throws Exception {
        Path machines = Files.createDirectories(tmp.resolve("machines"));
        WebMachines.create(machines.resolve("sys1"));
        site = WebMachines.site(List.of(machines), tmp.resolve("state"));
        site.users().add("olga", "operator", "operator password".toCharArray());
    }

    static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    static HttpClient trusting(Path certPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            trust.setCertificateEntry("hmc", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void rsaKeyInPkcs8ServesHttpsWithHstsAndAHostPrefixedSecureCookie() throws Exception {
        openssl(tmp, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        HmcWebConfig cfg = HmcWebConfig.local(0).withTls(tmp.resolve("cert.pem"), tmp.resolve("key.pem"));
        try (HmcWebServer server = new HmcWebServer(site, cfg).start()) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            WebClient c = new WebClient(trusting(tmp.resolve("cert.pem")), "https://127.0.0.1:" + server.port());
            WebClient.Answer page = c.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Strict-Transport-Security")).contains(SecurityHeaders.HSTS);
            WebClient.Answer login = c.login("olga", "operator password");
            assertThat(login.status()).as(login.body()).isEqualTo(200);
            assertThat(login.header("Set-Cookie").orElseThrow()).startsWith("__Host-sadump=").contains("; Secure")
                    .contains("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain("Domain");
            assertThat(c.get("/ui/machines").status()).isEqualTo(200);
            // the one listener speaks TLS only: a clear-text request gets no HTTP answer
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                byte[] head = new byte[16];
                int n = s.getInputStream().read(head);
                assertThat(n <= 0 || !new String(head, 0, n).startsWith("HTTP/1.1 200")).isTrue();
            } catch (java.io.IOException closed) {
                // closed at once: as good
            }
        }
    }

    @Test
    void ecKeyInSec1FormWorksAndAKeyOfAnotherCertificateIsRefusedInOneLine() throws Exception {
        openssl(tmp, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
        openssl(tmp, "req", "-x509", "-new", "-key", "ec.pem", "-out", "ec-cert.pem", "-days", "2", "-subj",
                "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
        assertThat(Files.readString(tmp.resolve("ec.pem"))).contains("BEGIN EC PRIVATE KEY");
        HmcWebConfig cfg = new HmcWebConfig("127.0.0.1", 0, java.util.Optional.of(tmp.resolve("ec-cert.pem")),
                java.util.Optional.of(tmp.resolve("ec.pem")), java.util.Optional.empty());
        try (HmcWebServer server = new HmcWebServer(site, cfg).start()) {
            WebClient c = new WebClient(trusting(tmp.resolve("ec-cert.pem")), "https://127.0.0.1:" + server.port());
            assertThat(c.get("/").status()).isEqualTo(200);
        }
        openssl(tmp, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.pem");
        assertThatThrownBy(() -> new HmcWebServer(site, HmcWebConfig.local(0).withTls(tmp.resolve("ec-cert.pem"),
                tmp.resolve("other.pem")))).isInstanceOf(WebConfigException.class)
                .hasMessageContaining("is not the key of the certificate").hasMessageNotContaining("\n");
        Files.writeString(tmp.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> new HmcWebServer(site, HmcWebConfig.local(0).withTls(tmp.resolve("junk.pem"),
                tmp.resolve("ec.pem")))).isInstanceOf(WebConfigException.class).hasMessageStartingWith("--tls-cert ");
        // with TLS, another address is allowed
        assertThat(new HmcWebConfig("0.0.0.0", 0, java.util.Optional.of(tmp.resolve("ec-cert.pem")),
                java.util.Optional.of(tmp.resolve("ec.pem")), java.util.Optional.empty()).tls())
                .isTrue();
    }
}
