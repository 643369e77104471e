package dev.orderhub.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A payload as the exception store keeps it: never larger than the store's bound, always
 * storable on H2 and PostgreSQL, and saying what was done to it, so parking can never fail
 * for the data's sake (a message that cannot be parked would be redelivered without end).
 *
 * @param value     what is kept (null when the message had no body the hub reads)
 * @param encoding  {@link #TEXT}, {@link #TEXT_ESCAPED} or {@link #BASE64}
 * @param size      the original's size in bytes (UTF-8 for text), null when unknown
 * @param truncated true when {@code value} holds only the start of the original
 */
public record StoredPayload(String value, String encoding, Long size, boolean truncated) {

    /** The text as it came. */
    public static final String TEXT = "text";
    /** Text in which characters PostgreSQL cannot store (NUL, lone surrogates) are written as backslash-u escapes. */
    public static final String TEXT_ESCAPED = "text-escaped";
    /** Bytes that are not UTF-8, base64-encoded. */
    public static final String BASE64 = "base64";

    /** No body the hub reads (e.g. an ObjectMessage, which it never deserialises). */
    public static StoredPayload none() {
        return new StoredPayload(null, TEXT, null, false);
    }

    /** A text payload, escaped where needed and cut to {@code maxChars}. */
    public static StoredPayload text(String text, int maxChars) {
        if (text == null) {
            return none();
        }
        return text(text, utf8Length(text), false, maxChars);
    }

    /**
     * A bytes payload of which {@code head} is the start (the whole when its length is
     * {@code size}): text when it is UTF-8, base64 otherwise; cut to {@code maxChars}.
     */
    public static StoredPayload bytes(byte[] head, long size, int maxChars) {
        boolean partial = head.length < size;
        String text = utf8(head, partial);
        if (text != null) {
            return text(text, size, partial, maxChars);
        }
        int maxBytes = Math.max(0, maxChars / 4 * 3);
        byte[] kept = head.length <= maxBytes ? head : Arrays.copyOf(head, maxBytes);
        return new StoredPayload(Base64.getEncoder().encodeToString(kept), BASE64, size, kept.length < size);
    }

    /** The original bytes of a base64 payload, or the text's UTF-8 bytes. */
    public byte[] originalBytes() {
        return BASE64.equals(encoding) ? Base64.getDecoder().decode(value) : value.getBytes(StandardCharsets.UTF_8);
    }

    /** Text bounded to {@code maxChars}, with what PostgreSQL cannot store escaped (for reasons and sources). */
    public static String storable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        return cut(escape(text), maxChars);
    }

    private static StoredPayload text(String text, long size, boolean partial, int maxChars) {
        String escaped = escape(text);
        String kept = cut(escaped, maxChars);
        return new StoredPayload(kept, escaped == text ? TEXT : TEXT_ESCAPED, size, partial || kept.length() < escaped.length());
    }

    /** NUL and lone surrogates as backslash-u escapes; the same instance when there is none. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            boolean bad = c == '\u0000' || (Character.isSurrogate(c) && !pair);
            if (bad && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (bad) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
            if (pair) {
                i++;
                if (out != null) {
                    out.append(text.charAt(i));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a pair into a lone surrogate
        }
        return text.substring(0, end);
    }

    /** The bytes as UTF-8, or null when they are not; a partial head may end inside a character. */
    private static String utf8(byte[] bytes, boolean partial) {
        for (int drop = 0; drop <= (partial ? Math.min(3, bytes.length) : 0); drop++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, bytes.length - drop)).toString();
            } catch (CharacterCodingException e) {
                // try again without the last bytes of a cut character
            }
        }
        return null;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
