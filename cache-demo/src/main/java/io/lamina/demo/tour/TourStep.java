package io.lamina.demo.tour;

import java.io.PrintStream;

/** One step of the tour: does something to the cluster, prints a table, and checks its promise. */
interface TourStep {

    /** @return the heading printed above the step's table */
    String title();

    /**
     * @param cluster the two nodes, their Redis and database
     * @param out     where the table goes
     * @return whether the promise held, with the numbers that say so
     * @throws Exception a step that could not even run fails the tour with that exception
     */
    StepResult run(TourCluster cluster, PrintStream out) throws Exception;
}
