package dev.orderhub.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as SVG coordinates, computed here so the page draws it with plain SVG elements
 * (no script, nothing inline a strict CSP refuses): the values per day, and each threshold as a
 * horizontal line at its height. Rates are drawn in percent; the y axis runs from 0 to a little
 * above the highest value or threshold.
 */
public record LineChart(String title, int width, int height, String points, List<Dot> dots, List<Rule> rules,
                        List<Tick> yTicks, List<Tick> xTicks, boolean empty) {

    /** One day's value, where it is drawn, and its text (for the tooltip). */
    public record Dot(double x, double y, String label) {
    }

    /** A threshold: its label, where its line runs, and its kind (warn or alert). */
    public record Rule(String label, double y, String kind) {
    }

    public record Tick(double at, String label) {
    }

    /** A point of the series: its label (a date) and value, null where nothing was measured. */
    public record Point(String label, Double value) {
    }

    /** A threshold to draw. */
    public record Threshold(String label, double value, String kind) {
    }

    static final int LEFT = 44;
    static final int RIGHT = 12;
    static final int TOP = 12;
    static final int BOTTOM = 28;

    public static LineChart of(String title, List<Point> series, List<Threshold> thresholds, int width, int height) {
        double max = 0;
        for (Point p : series) {
            if (p.value() != null) {
                max = Math.max(max, p.value());
            }
        }
        for (Threshold t : thresholds) {
            max = Math.max(max, t.value());
        }
        max = max <= 0 ? 1 : niceCeiling(max * 1.1);
        double plotWidth = width - LEFT - RIGHT;
        double plotHeight = height - TOP - BOTTOM;
        StringBuilder points = new StringBuilder();
        List<Dot> dots = new ArrayList<>();
        int n = series.size();
        for (int i = 0; i < n; i++) {
            Point p = series.get(i);
            if (p.value() == null) {
                continue;
            }
            double x = LEFT + (n == 1 ? plotWidth / 2 : plotWidth * i / (n - 1));
            double y = TOP + plotHeight * (1 - p.value() / max);
            if (points.length() > 0) {
                points.append(' ');
            }
            points.append(num(x)).append(',').append(num(y));
            dots.add(new Dot(round(x), round(y), p.label() + ": " + percent(p.value())));
        }
        List<Rule> rules = new ArrayList<>();
        for (Threshold t : thresholds) {
            rules.add(new Rule(t.label() + " " + percent(t.value()), round(TOP + plotHeight * (1 - t.value() / max)), t.kind()));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double value = max * i / 4;
            yTicks.add(new Tick(round(TOP + plotHeight * (1 - value / max)), percent(value)));
        }
        List<Tick> xTicks = new ArrayList<>();
        int step = Math.max(1, n / 6);
        for (int i = 0; i < n; i += step) {
            xTicks.add(new Tick(round(LEFT + (n == 1 ? plotWidth / 2 : plotWidth * i / (n - 1))), series.get(i).label()));
        }
        return new LineChart(title, width, height, points.toString(), dots, rules, yTicks, xTicks, dots.isEmpty());
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (value <= step * magnitude) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
