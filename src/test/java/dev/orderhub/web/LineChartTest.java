package dev.orderhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineChartTest {

    @Test
    void valuesAndThresholdsAreDrawnAtTheirHeights() {
        LineChart chart = LineChart.of("LSR", List.of(new LineChart.Point("d1", 0.0), new LineChart.Point("d2", 0.02),
                        new LineChart.Point("d3", null), new LineChart.Point("d4", 0.04)),
                List.of(new LineChart.Threshold("warn", 0.03, "warn"), new LineChart.Threshold("alert", 0.04, "alert")), 400, 200);
        // max 0.04 * 1.1 = 0.044 -> nice ceiling 0.05; plot height 200 - 12 - 28 = 160, width 400 - 44 - 12 = 344
        assertThat(chart.dots()).hasSize(3);
        assertThat(chart.dots().get(0).y()).isEqualTo(172.0);            // 0 at the bottom
        assertThat(chart.dots().get(1).y()).isEqualTo(12 + 160 * (1 - 0.4));
        assertThat(chart.dots().get(2).x()).isEqualTo(400 - 12);          // the last day at the right edge
        assertThat(chart.points().split(" ")).hasSize(3);                 // the day without a value is skipped
        assertThat(chart.rules()).extracting(LineChart.Rule::y).containsExactly(12 + 160 * 0.4, 12 + 160 * 0.2);
        assertThat(chart.rules().get(1).label()).isEqualTo("alert 4.0 %");
        assertThat(chart.yTicks().get(4).label()).isEqualTo("5.0 %");
        assertThat(chart.dots().get(1).label()).isEqualTo("d2: 2.0 %");
    }

    @Test
    void aSeriesWithoutValuesIsEmptyButKeepsItsThresholds() {
        LineChart chart = LineChart.of("OTDR", Arrays.asList(new LineChart.Point("d1", null)),
                List.of(new LineChart.Threshold("alert", 0.9, "alert")), 400, 200);
        assertThat(chart.empty()).isTrue();
        assertThat(chart.rules()).hasSize(1);
        assertThat(chart.rules().get(0).y()).isBetween(12.0, 172.0);
    }
}
