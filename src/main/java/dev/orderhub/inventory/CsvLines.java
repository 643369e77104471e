package dev.orderhub.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a CSV file line by line from a byte position, in bounded memory: a line longer than
 * {@link #MAX_LINE_BYTES} is read to its end but kept only as "too long". Each line says
 * where the next one starts, so a reader can note its place and come back to it. A line ends
 * at {@code \n}; a {@code \r} before it is dropped.
 */
final class CsvLines {

    /** Far more than a row needs (sku 100, location 64, a count), small enough to hold. */
    static final int MAX_LINE_BYTES = 4096;

    /** One line: its text (null when it was too long), whether it is blank, and where the next line starts. */
    record Line(String text, boolean blank, long next) {

        boolean tooLong() {
            return text == null;
        }
    }

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferAt;
    private int bufferEnd;
    private long position;

    /** Reads {@code in}, whose first byte is at {@code position} of the file. */
    CsvLines(InputStream in, long position) {
        this.in = in;
        this.position = position;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        boolean blank = true;
        boolean any = false;
        while (true) {
            if (bufferAt == bufferEnd) {
                bufferEnd = in.read(buffer);
                bufferAt = 0;
                if (bufferEnd <= 0) {
                    bufferEnd = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            byte b = buffer[bufferAt++];
            position++;
            any = true;
            if (b == '\n') {
                break;
            }
            if (!isBlankByte(b)) {
                blank = false;
            }
            if (length < MAX_LINE_BYTES) {
                line[length++] = b;
            } else {
                tooLong = true;
            }
        }
        if (!tooLong && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new Line(tooLong ? null : new String(line, 0, length, StandardCharsets.UTF_8), blank, position);
    }

    /** Blank as the import counts it: spaces, tabs and line-break bytes only (the same at upload and run). */
    static boolean isBlankByte(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == 0x0B || b == '\f';
    }

    /**
     * Counts the rows of a file while it is uploaded, and hands over its first line (the
     * header) as soon as it is complete. Fed the same bytes the file gets.
     */
    static final class Counter {

        private final byte[] header = new byte[MAX_LINE_BYTES];
        private int headerLength;
        private boolean headerDone;
        private boolean headerTooLong;
        private long headerBytes;
        private boolean lineBlank = true;
        private boolean lineOpen;
        private int rows;

        /** Feeds bytes; returns true the moment the header line completed (so the caller checks it once). */
        boolean feed(byte[] bytes, int offset, int count) {
            boolean completed = false;
            for (int i = offset; i < offset + count; i++) {
                byte b = bytes[i];
                if (!headerDone) {
                    headerBytes++;
                    if (b == '\n') {
                        headerDone = true;
                        completed = true;
                    } else if (headerLength < MAX_LINE_BYTES) {
                        header[headerLength++] = b;
                    } else {
                        headerTooLong = true;
                    }
                    continue;
                }
                if (b == '\n') {
                    endLine();
                } else {
                    lineOpen = true;
                    if (!isBlankByte(b)) {
                        lineBlank = false;
                    }
                }
            }
            return completed;
        }

        /** The end of the upload: a last line without {@code \n} still counts. Returns true if the header completed only now. */
        boolean finish() {
            if (lineOpen) {
                endLine();
            }
            if (!headerDone) {
                headerDone = true;
                return true;
            }
            return false;
        }

        private void endLine() {
            if (!lineBlank) {
                rows++;
            }
            lineBlank = true;
            lineOpen = false;
        }

        /** The first line as text (a {@code \r} before its end dropped); "(longer than N bytes)" when it was too long to keep. */
        String header() {
            if (headerTooLong) {
                return new String(Arrays.copyOf(header, 40), StandardCharsets.UTF_8) + "... (longer than " + MAX_LINE_BYTES + " bytes)";
            }
            int length = headerLength > 0 && header[headerLength - 1] == '\r' ? headerLength - 1 : headerLength;
            return new String(header, 0, length, StandardCharsets.UTF_8);
        }

        /** Bytes of the header line, its {@code \n} included: where the first row starts. */
        long headerBytes() {
            return headerBytes;
        }

        int rows() {
            return rows;
        }
    }
}
