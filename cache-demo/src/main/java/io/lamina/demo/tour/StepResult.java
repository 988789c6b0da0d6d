package io.lamina.demo.tour;

/**
 * The outcome of one step of the tour.
 *
 * @param step    the step's short name
 * @param promise what the step promised, in a few words
 * @param outcome what happened instead of or besides the promise ("12 queries for 100 ids")
 * @param status  whether the promise held
 */
public record StepResult(String step, String promise, String outcome, Status status) {

    /** Whether a step's promise held. */
    public enum Status {
        /** the promise held */
        OK,
        /** the promise did not hold: the tour fails */
        FAILED,
        /** the step could not run here (it says why); does not fail the tour */
        SKIPPED
    }

    static StepResult check(String step, String promise, String outcome, boolean held) {
        return new StepResult(step, promise, outcome, held ? Status.OK : Status.FAILED);
    }

    /** @return whether this step fails the tour */
    public boolean failed() {
        return status == Status.FAILED;
    }
}
