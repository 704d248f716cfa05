package dev.quire.http;

import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Every body Quire reads is JSON, and JSON is UTF-8 (RFC 8259): the bytes are checked as the parser reads them,
 * and a body that is not well-formed UTF-8 is refused with 400. Jackson decodes UTF-8 leniently: it reads the
 * overlong {@code C0 AF} as '/', which would let a byte sequence that no check sees as '/' become one, and it reads
 * UTF-16 and UTF-32 when it sees their zero bytes.
 */
final class Utf8Bodies implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Checked(context.getInputStream()));
        return context.proceed();
    }

    /** The body's bytes failed the check; {@link ProblemMapper} answers 400 with this message. */
    static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String detail) {
            super(detail);
        }

        static MalformedException at(long offset) {
            return new MalformedException("The request body is not valid UTF-8 (at byte " + offset
                    + "); JSON must be encoded as UTF-8.");
        }
    }

    /**
     * The bytes passed through, checked against the well-formed sequences of the Unicode standard (table 3-7): no
     * overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut short.
     */
    static final class Checked extends FilterInputStream {
        /** Continuation bytes still expected in the current sequence. */
        private int pending;
        /** The range the next continuation byte must fall in (the second byte of some sequences is narrower). */
        private int low = 0x80;
        private int high = 0xBF;
        /** Bytes read so far, 1-based position of the next one minus one. */
        private long offset;

        Checked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                atEnd();
            } else {
                check(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int at, int length) throws IOException {
            int n = super.read(buffer, at, length);
            if (n < 0) {
                atEnd();
            }
            for (int i = 0; i < n; i++) {
                check(buffer[at + i] & 0xFF);
            }
            return n;
        }

        private void atEnd() throws MalformedException {
            if (pending > 0) {
                throw MalformedException.at(offset + 1);
            }
        }

        private void check(int b) throws MalformedException {
            offset++;
            if (pending > 0) {
                if (b < low || b > high) {
                    throw MalformedException.at(offset);
                }
                pending--;
                low = 0x80;
                high = 0xBF;
            } else if (b >= 0x80) {
                lead(b);
            } else if (b == 0) {
                // valid UTF-8, but never in JSON text: what it means is UTF-16 or UTF-32, which Jackson would detect
                // from the zero bytes and read
                throw new MalformedException("The request body contains a zero byte (at byte " + offset
                        + "): JSON must be UTF-8 text, not UTF-16, UTF-32 or binary data.");
            }
        }

        private void lead(int b) throws MalformedException {
            if (b >= 0xC2 && b <= 0xDF) {
                pending = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                pending = 2;
                low = b == 0xE0 ? 0xA0 : 0x80;   // E0 80..9F would be overlong
                high = b == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
            } else if (b >= 0xF0 && b <= 0xF4) {
                pending = 3;
                low = b == 0xF0 ? 0x90 : 0x80;   // F0 80..8F would be overlong
                high = b == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would be above U+10FFFF
            } else {
                // 80..BF cannot start a sequence; C0, C1 and F5..FF never appear in UTF-8
                throw MalformedException.at(offset);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            // every byte passes the check, skipped ones too
            long skipped = 0;
            while (skipped < n && read() >= 0) {
                skipped++;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
