package io.lamina.demo.tour;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers a step measured over time, for the HTML report: one line per series, one point per x label.
 *
 * @param title  the chart's heading
 * @param unit   what the y axis counts
 * @param x      the labels of the x axis
 * @param series each series' name and its values, one per x label, in insertion order
 */
record Chart(String title, String unit, List<String> x, Map<String, double[]> series) {

    Chart {
        x = List.copyOf(x);
        series = new LinkedHashMap<>(series);
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            if (s.getValue().length != x.size()) {
                throw new IllegalArgumentException("series " + s.getKey() + " has " + s.getValue().length
                        + " values for " + x.size() + " x labels");
            }
        }
    }

    /** @return the largest value of every series, at least 1 */
    double max() {
        double max = 1;
        for (double[] values : series.values()) {
            for (double v : values) {
                max = Math.max(max, v);
            }
        }
        return max;
    }
}
