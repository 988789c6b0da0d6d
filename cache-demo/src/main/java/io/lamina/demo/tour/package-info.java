/**
 * The scripted demo tour: a Redis found or started ({@link io.lamina.demo.tour.TourRedis}), two nodes of the
 * sample service sharing one database ({@link io.lamina.demo.tour.TourCluster}), and one class per step, each
 * checking its own promise with numbers measured during the run (database queries counted by the repository,
 * cache counters from {@code CacheTemplate.stats}).
 */
package io.lamina.demo.tour;
