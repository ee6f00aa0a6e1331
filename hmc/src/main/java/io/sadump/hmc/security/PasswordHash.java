package io.sadump.hmc.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle's {@link Argon2BytesGenerator}) in the PHC string form
 * {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, so each hash carries its own parameters.
 *
 * <p>Why Argon2id and not bcrypt: bcrypt reads only the first 72 bytes of a password, and sadump allows
 * 128 characters (up to 512 bytes in UTF-8) that must all count; Argon2id has no such limit and is
 * memory-hard. The default parameters are OWASP's first Argon2id choice (19 MiB, 2 passes, 1 lane).
 */
public record PasswordHash(int memoryKib, int iterations, int parallelism) {
    /** OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1. */
    public static final PasswordHash DEFAULT = new PasswordHash(19456, 2, 1);
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** A new hash of {@code password} with a fresh salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] h = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(h);
    }

    /** Whether {@code password} matches {@code encoded}; false for a damaged hash. Compares in constant time. */
    public static boolean matches(String encoded, char[] password) {
        Optional<Parsed> p = parse(encoded);
        if (p.isEmpty()) {
            return false;
        }
        Parsed x = p.get();
        byte[] h = derive(password, x.salt, x.m, x.t, x.p, x.hash.length);
        return MessageDigest.isEqual(h, x.hash);
    }

    private record Parsed(int m, int t, int p, byte[] salt, byte[] hash) {}

    private static Optional<Parsed> parse(String encoded) {
        if (encoded == null) {
            return Optional.empty();
        }
        String[] f = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (f.length != 6 || !f[1].equals("argon2id") || !f[2].equals("v=19")) {
            return Optional.empty();
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : f[3].split(",")) {
                String[] a = kv.split("=", 2);
                int v = Integer.parseInt(a[1]);
                switch (a[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            if (m < 8 || m > 1 << 21 || t < 1 || t > 64 || p < 1 || p > 16) {
                return Optional.empty();
            }
            byte[] salt = B64D.decode(f[4]);
            byte[] hash = B64D.decode(f[5]);
            if (salt.length < 8 || hash.length < 16) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(m, t, p, salt, hash));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t).withParallelism(p)
                .withSalt(salt).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(params);
        byte[] out = new byte[length];
        g.generateBytes(password, out);
        return out;
    }
}
