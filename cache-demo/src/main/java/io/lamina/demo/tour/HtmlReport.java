package io.lamina.demo.tour;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tour as one self-contained HTML page: the summary, a line chart (inline SVG, no script) per measured series,
 * and the full text output.
 */
final class HtmlReport {

    private static final String[] COLORS = {"#1b7837", "#2166ac", "#b2182b", "#762a83"};
    private static final int WIDTH = 780;
    private static final int HEIGHT = 240;
    private static final int LEFT = 56;
    private static final int BOTTOM = 28;
    private static final int TOP = 24;

    private HtmlReport() {
    }

    /**
     * @param file   where to write (its directory is created)
     * @param report the results
     * @param charts the series the steps measured
     * @param text   what the tour printed
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, TourReport report, List<Chart> charts, String text) throws IOException {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Lamina demo tour</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}")
                .append("table{border-collapse:collapse}td,th{padding:.25em .75em;border-bottom:1px solid #ddd;")
                .append("text-align:left}.OK{color:#1b7837}.FAILED{color:#b2182b;font-weight:bold}.SKIPPED{color:#777}")
                .append("pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.85em}")
                .append("svg text{font-size:11px;font-family:sans-serif}</style></head><body>\n")
                .append("<h1>Lamina demo tour</h1>\n<p>")
                .append(escape(report.passed() ? "Every protection behaved as promised." : "Some protection did not behave."))
                .append(" The tour took ").append(escape(Table.millis(report.elapsedNanos()))).append(".</p>\n")
                .append("<table><tr><th>step</th><th>promise</th><th>result</th><th>what happened</th></tr>\n");
        for (StepResult r : report.results()) {
            html.append("<tr><td>").append(escape(r.step())).append("</td><td>").append(escape(r.promise()))
                    .append("</td><td class=\"").append(r.status()).append("\">").append(r.status())
                    .append("</td><td>").append(escape(r.outcome())).append("</td></tr>\n");
        }
        html.append("</table>\n");
        for (Chart chart : charts) {
            html.append("<h2>").append(escape(chart.title())).append("</h2>\n");
            svg(html, chart);
        }
        html.append("<h2>Output</h2>\n<pre>").append(escape(text)).append("</pre>\n</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static void svg(StringBuilder html, Chart chart) {
        double max = chart.max();
        int n = chart.x().size();
        int plotW = WIDTH - LEFT - 190;
        int plotH = HEIGHT - TOP - BOTTOM;
        html.append("<svg width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(escape(chart.title())).append("\">\n");
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            html.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, LEFT + plotW, y,
                    LEFT - 6, y + 4, number(max * i / 4)));
        }
        for (int i = 0; i < n; i++) {
            html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(i, n, plotW), HEIGHT - 8, escape(chart.x().get(i))));
        }
        html.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text>%n", TOP - 12, escape(chart.unit())));
        int c = 0;
        for (Map.Entry<String, double[]> s : chart.series().entrySet()) {
            String color = COLORS[c % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < n; i++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, n, plotW),
                        TOP + plotH - plotH * s.getValue()[i] / max));
            }
            html.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
            html.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW + 16, TOP + 16 * c + 4, color,
                    LEFT + plotW + 32, TOP + 16 * c + 8, escape(s.getKey())));
            c++;
        }
        html.append("</svg>\n");
    }

    private static double x(int i, int n, int plotW) {
        return LEFT + (n == 1 ? plotW / 2.0 : plotW * i / (double) (n - 1));
    }

    private static String number(double v) {
        return v == Math.rint(v) || v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
