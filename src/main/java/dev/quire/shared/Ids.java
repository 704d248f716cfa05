package dev.quire.shared;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Application-assigned identifiers: a type prefix, an underscore and 26 characters of Crockford base32
 * ({@code acct_01JD3Q9Z8K4M2N6P7R8S9T0V1W}). Time-ordered ids carry the creation millisecond in their first 10
 * characters (the ULID layout), so they sort by age and index well; random ids reveal nothing.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** Each ASCII character's value in {@link #ALPHABET}, or -1: ids are checked on every request that names one. */
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }
    private static final int LENGTH = 26;
    private static final SecureRandom SECURE = new SecureRandom();

    private Ids() {}

    /** 48 bits of milliseconds since the epoch, then 80 random bits: unique, and in creation order. */
    public static String timeOrdered(String prefix, long epochMillis) {
        var random = ThreadLocalRandom.current();
        return encode(prefix, epochMillis & 0xFFFF_FFFF_FFFFL, random.nextLong() & 0xFFFFL, random.nextLong());
    }

    /** 128 bits from {@link SecureRandom}: for ids that must not be guessable or reveal when they were made. */
    public static String random(String prefix) {
        byte[] bytes = new byte[16];
        SECURE.nextBytes(bytes);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xFF);
            low = (low << 8) | (bytes[i + 8] & 0xFF);
        }
        return encode(prefix, high >>> 16, high & 0xFFFFL, low);
    }

    /** Whether {@code id} has the shape of an id with this prefix (not whether such a thing exists). */
    public static boolean isWellFormed(String prefix, String id) {
        if (id == null || id.length() != prefix.length() + 1 + LENGTH || !id.startsWith(prefix)
                || id.charAt(prefix.length()) != '_') {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            if (indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        // 26 base32 characters hold 130 bits; the first may only use the top 3 of its 5
        return indexOf(id.charAt(prefix.length() + 1)) < 8;
    }

    /** 128 bits as 26 characters: {@code top48} (48 bits), {@code middle16} (16 bits), {@code low64} (64 bits). */
    private static String encode(String prefix, long top48, long middle16, long low64) {
        long high = (top48 << 16) | middle16;
        var out = new char[LENGTH];
        // the 130-bit field is the 128 bits with two zero bits in front; read it 5 bits at a time from the end
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (low64 & 0x1F)];
            low64 = (low64 >>> 5) | (high << 59);
            high >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    private static int indexOf(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }
}
