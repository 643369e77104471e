package dev.orderhub.connectors.threeplsftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The CSV of the 3PL's files: what the hub writes reads back the same; what is no CSV is named. */
class CsvTest {

    @Test
    void aFieldWithACommaAQuoteOrALineBreakIsQuotedAndReadsBack() throws Exception {
        List<String> fields = List.of("plain", "a, b", "say \"hi\"", "two\nlines", "");
        String line = Csv.line(fields);

        assertThat(line).isEqualTo("plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
        assertThat(Csv.read(("h\r\n" + line + "next\n").getBytes(StandardCharsets.UTF_8))).containsExactly(
                new Csv.Row(1, List.of("h")), new Csv.Row(2, fields), new Csv.Row(4, List.of("next")));
    }

    @Test
    void aByteOrderMarkLfEndingsEmptyLinesAndALastLineWithoutItsEndAreRead() throws Exception {
        byte[] file = "\uFEFFsku,on_hand\n\nA,1\nB,2".getBytes(StandardCharsets.UTF_8);

        assertThat(Csv.read(file)).containsExactly(new Csv.Row(1, List.of("sku", "on_hand")),
                new Csv.Row(3, List.of("A", "1")), new Csv.Row(4, List.of("B", "2")));
    }

    @Test
    void whatIsNoCsvIsNamed() {
        assertThatThrownBy(() -> Csv.read(new byte[] {(byte) 0xC3, (byte) 0x28})).hasMessage("not UTF-8 text");
        assertThatThrownBy(() -> Csv.read("a,b\n1\u00002\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("binary content (a NUL byte on line 2)");
        assertThatThrownBy(() -> Csv.read("a,b\n\"open,2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("a quote opened on line 2 is never closed");
        assertThatThrownBy(() -> Csv.read("a,b\nx\"y,2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("a quote inside an unquoted field on line 2");
        assertThatThrownBy(() -> Csv.read(("a\n" + "x".repeat(Csv.MAX_FIELD + 1)).getBytes(StandardCharsets.UTF_8)))
                .hasMessage("a field longer than 1000 characters on line 2");
        assertThatThrownBy(() -> Csv.read(",".repeat(Csv.MAX_FIELDS + 1).getBytes(StandardCharsets.UTF_8)))
                .hasMessage("more than 50 fields on line 1");
    }
}
