package io.lamina.demo.tour;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table sized to its content (the tour keeps its tables within 100 columns). The first column is
 * left-aligned, the others right-aligned, as numbers read best. Not thread-safe.
 */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder("   ");
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r)[i];
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? cell + pad : pad + cell).append(i + 1 < columns ? "   " : "");
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w;
                }
                out.println("   " + "-".repeat(total + 3 * (columns - 1)));
            }
        }
    }

    /** @return {@code n} with a thin space every three digits, as the docs write numbers ("10 000") */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
    }

    /** @return a ratio as a percentage with one decimal */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
    }

    /** @return nanoseconds as milliseconds, or seconds when long */
    static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms >= 1_000 ? String.format(Locale.ROOT, "%.2f s", ms / 1_000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
