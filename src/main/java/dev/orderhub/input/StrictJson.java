package dev.orderhub.input;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads JSON from outside (API bodies, intake messages) strictly and exactly: one value, no
 * duplicate keys, decimals as {@link java.math.BigDecimal} (never double: 19.95 stays 19.95 and
 * 1e400 is not Infinity), and no number written with an exponent ({@code 1e2}, {@code 1.5E1}):
 * the tree would lose how it was written, so it is refused while parsing, naming the field.
 */
public final class StrictJson {

    private final ObjectReader reader;

    public StrictJson(ObjectMapper json) {
        this.reader = json.reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** The tree; {@link Malformed} says where and why it is not acceptable JSON. */
    public JsonNode read(byte[] body) {
        try (JsonParser parser = new NoExponents(reader.createParser(body))) {
            return reader.readTree(parser);
        } catch (ExponentRefused e) {
            throw new Malformed(e.field, true, e.field + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String field = e.getProcessor() instanceof JsonParser p ? where(p.getParsingContext()) : "";
            throw new Malformed(field, false, "body: not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + (field.isEmpty() ? "" : " (in " + field + ")") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Malformed("", false, "body: not valid JSON: " + e.getMessage());
        }
    }

    public JsonNode read(String body) {
        return read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Why a body is not taken; {@code field} is where (empty when nowhere in particular). */
    public static final class Malformed extends RuntimeException {

        private final String field;
        private final boolean exponent;

        Malformed(String field, boolean exponent, String detail) {
            super(detail, null, false, false);
            this.field = field;
            this.exponent = exponent;
        }

        public String field() {
            return field;
        }

        /** True when the JSON itself was fine but a number in it was written with an exponent. */
        public boolean isExponent() {
            return exponent;
        }
    }

    /** {@code lines[0].unitPrice} for the value the parser is at. */
    static String where(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                parts.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
            } else if (at.inObject() && at.getCurrentName() != null) {
                parts.push((at.getParent() == null || at.getParent().inRoot() ? "" : ".") + at.getCurrentName());
            }
        }
        return String.join("", parts);
    }

    private static final class ExponentRefused extends com.fasterxml.jackson.core.JsonParseException {

        private final String field;

        ExponentRefused(JsonParser parser, String field, String message) {
            super(parser, message);
            this.field = field;
        }
    }

    /** Sees each number's own text before the tree turns it into a value. */
    private static final class NoExponents extends JsonParserDelegate {

        NoExponents(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                String text = delegate.getText();
                if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
                    String field = where(delegate.getParsingContext());
                    throw new ExponentRefused(this, field.isEmpty() ? "body" : field,
                            "numbers must be written without an exponent (100 or 19.95, not " + abbreviate(text) + ")");
                }
            }
            return token;
        }

        private static String abbreviate(String text) {
            return text.length() <= 20 ? text : text.substring(0, 20) + "...";
        }
    }
}
