package dev.orderhub.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;

/**
 * Reads a JMS message's body the one safe way: text or bytes, never more bytes than a bound,
 * and never {@link ObjectMessage#getObject()} (Java deserialisation of whatever a client sent).
 */
public final class JmsBodies {

    private JmsBodies() {
    }

    /**
     * What the hub makes of a message: its text when it has one within {@code maxBytes}, or
     * else why not ({@code unreadable}) and what to park ({@code parked}).
     */
    public record Body(String text, String unreadable, StoredPayload parked) {
    }

    public static Body read(Message message, int maxBytes, int maxParkChars) throws JMSException {
        if (message instanceof TextMessage textMessage) {
            String text = textMessage.getText() == null ? "" : textMessage.getText();
            if (text.length() > maxBytes) {
                return new Body(null, "body: a text of " + text.length() + " characters, more than the " + maxBytes
                        + " an intake message may hold", StoredPayload.text(text, maxParkChars));
            }
            return new Body(text, null, null);
        }
        if (message instanceof BytesMessage bytesMessage) {
            long length = bytesMessage.getBodyLength();
            if (length > maxBytes) {
                return new Body(null, "body: " + length + " bytes, more than the " + maxBytes + " an intake message may hold",
                        StoredPayload.bytes(head(bytesMessage, maxParkChars), length, maxParkChars));
            }
            byte[] raw = head(bytesMessage, maxBytes);
            try {
                return new Body(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString(), null, null);
            } catch (CharacterCodingException e) {
                return new Body(null, "body: not valid UTF-8", StoredPayload.bytes(raw, length, maxParkChars));
            }
        }
        return new Body(null, "body: " + unreadKind(message), StoredPayload.none());
    }

    /** The payload to park for a message, whatever its type and size; an object is never deserialised. */
    public static StoredPayload forParking(Message message, int maxParkChars) throws JMSException {
        if (message instanceof TextMessage textMessage) {
            return StoredPayload.text(textMessage.getText(), maxParkChars);
        }
        if (message instanceof BytesMessage bytesMessage) {
            return StoredPayload.bytes(head(bytesMessage, maxParkChars), bytesMessage.getBodyLength(), maxParkChars);
        }
        return StoredPayload.none();
    }

    /** Why a message that is neither text nor bytes is not read, naming its JMS type. */
    public static String unreadKind(Message message) {
        String type = message instanceof ObjectMessage ? "an ObjectMessage (a serialised Java object)"
                : message instanceof MapMessage ? "a MapMessage"
                : message instanceof StreamMessage ? "a StreamMessage"
                : "a " + message.getClass().getSimpleName();
        return type + " is never read by the hub; send the order JSON as a text or bytes message";
    }

    /** At most {@code max} bytes from the start of the body: a huge message is never read whole. */
    private static byte[] head(BytesMessage message, int max) throws JMSException {
        long length = message.getBodyLength();
        byte[] head = new byte[(int) Math.min(length, Math.max(0, max))];
        // A large message is streamed: one read may return fewer bytes than asked for.
        byte[] chunk = new byte[Math.min(head.length, 64 * 1024)];
        int filled = 0;
        while (filled < head.length) {
            int read = message.readBytes(chunk, Math.min(chunk.length, head.length - filled));
            if (read <= 0) {
                break;
            }
            System.arraycopy(chunk, 0, head, filled, read);
            filled += read;
        }
        return filled == head.length ? head : java.util.Arrays.copyOf(head, filled);
    }
}
