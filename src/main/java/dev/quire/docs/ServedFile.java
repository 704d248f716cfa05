package dev.quire.docs;

import dev.quire.rest.EntityTags;
import dev.quire.shared.PreconditionFailedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bytes that stay the same for as long as Quire runs, read once at start-up, answered with an entity tag computed
 * from their content and with their own caching rule; {@code If-None-Match} gets 304.
 */
final class ServedFile {
    private final byte[] content;
    private final String mediaType;
    private final String cacheControl;
    private final long tag;

    ServedFile(byte[] content, String mediaType, String cacheControl) {
        this.content = content.clone();
        this.mediaType = mediaType;
        this.cacheControl = cacheControl;
        this.tag = digest(content);
    }

    /** A file on the class path; see {@link #read}. */
    static ServedFile fromClassPath(String path, String mediaType, String cacheControl) {
        return new ServedFile(read(path), mediaType, cacheControl);
    }

    /**
     * The bytes of a file on the class path: absolute, or relative to this package.
     *
     * @throws IllegalStateException when there is no such file: Quire was built without it and must not start
     */
    static byte[] read(String path) {
        try (InputStream in = ServedFile.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    /** The file, or 304 when the client's copy is current; conditional headers are read as for every resource. */
    Response respond(HttpServletRequest request) {
        var preconditions = EntityTags.preconditions(request);
        if (!preconditions.passesIfMatch(tag)) {
            throw new PreconditionFailedException("The file");
        }
        var response = preconditions.passesIfNoneMatch(tag) ? Response.ok(content, mediaType) : Response.notModified();
        return response.header(HttpHeaders.ETAG, EntityTags.of(tag)).header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .build();
    }

    /**
     * 56 bits of the content's SHA-256 as a number: Quire's entity tags are numbers ({@code "3"}), so the shared
     * parsing of If-Match and If-None-Match (400 for a malformed one) applies here unchanged.
     */
    private static long digest(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return ByteBuffer.wrap(hash).getLong() >>> 8;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
