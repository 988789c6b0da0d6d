package io.lamina.demo.tour;

import java.io.PrintStream;
import java.util.List;

/**
 * Every step's result and how long the tour took.
 *
 * @param results      one per step, in order
 * @param elapsedNanos from the start of Redis to the last node closed
 */
public record TourReport(List<StepResult> results, long elapsedNanos) {

    /** @return whether no step failed (skipped steps do not fail the tour) */
    public boolean passed() {
        return results.stream().noneMatch(StepResult::failed);
    }

    /** @return the results of the steps whose promise did not hold */
    public List<StepResult> failures() {
        return results.stream().filter(StepResult::failed).toList();
    }

    void print(PrintStream out) {
        out.println();
        out.println("Summary");
        Table table = new Table("step", "result", "what happened");
        for (StepResult r : results) {
            table.row(r.step(), r.status(), r.outcome());
        }
        table.print(out);
        out.println("   " + (passed() ? "every protection behaved as promised" : "SOME PROTECTION DID NOT BEHAVE")
                + " (tour took " + Table.millis(elapsedNanos) + ")");
    }
}
