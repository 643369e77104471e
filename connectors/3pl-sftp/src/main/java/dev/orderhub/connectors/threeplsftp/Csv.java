package dev.orderhub.connectors.threeplsftp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV of the 3PL's files (RFC 4180): comma-separated, a field holding a comma, a quote or a
 * line break in double quotes with its quotes doubled, lines ended by CRLF or LF, UTF-8 with or
 * without a byte-order mark. Written as the hub writes every file; read strictly, each row with
 * the line number it starts on.
 */
final class Csv {

    /** The most fields a row may have, and the longest field: past either, the file is no CSV of ours. */
    static final int MAX_FIELDS = 50;
    static final int MAX_FIELD = 1000;

    private Csv() {
    }

    /** One row as read: the line it starts on (1 is the header) and its fields. */
    record Row(int line, List<String> fields) {
    }

    /** The file is not CSV text: not UTF-8, binary, an unclosed quote, a field or row past the limits. */
    static final class NotCsv extends Exception {
        NotCsv(String reason) {
            super(reason);
        }
    }

    /** One row as a line ending in CRLF. */
    static String line(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String field = fields.get(i) == null ? "" : fields.get(i);
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                line.append(field);
            }
        }
        return line.append("\r\n").toString();
    }

    /** Every row of the file (empty lines skipped), or why it is not CSV. */
    static List<Row> read(byte[] bytes) throws NotCsv {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotCsv("not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new NotCsv("binary content (a NUL byte on line " + line + ")");
            }
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"') {
                if (field.length() > 0 || wasQuoted) {
                    throw new NotCsv("a quote inside an unquoted field on line " + line);
                }
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                if (!(fields.size() == 1 && fields.get(0).isEmpty() && !wasQuoted)) {
                    rows.add(new Row(rowLine, List.copyOf(fields)));
                }
                fields.clear();
                field.setLength(0);
                wasQuoted = false;
                line++;
                rowLine = line;
            } else {
                if (wasQuoted) {
                    throw new NotCsv("text after a closing quote on line " + line);
                }
                field.append(c);
            }
            if (field.length() > MAX_FIELD) {
                throw new NotCsv("a field longer than " + MAX_FIELD + " characters on line " + line);
            }
            if (fields.size() > MAX_FIELDS) {
                throw new NotCsv("more than " + MAX_FIELDS + " fields on line " + line);
            }
        }
        if (quoted) {
            throw new NotCsv("a quote opened on line " + rowLine + " is never closed");
        }
        if (field.length() > 0 || !fields.isEmpty() || wasQuoted) {
            fields.add(field.toString());
            rows.add(new Row(rowLine, List.copyOf(fields)));
        }
        return rows;
    }
}
