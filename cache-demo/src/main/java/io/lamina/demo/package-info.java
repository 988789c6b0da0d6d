/** Lamina's demo: a tour that shows each protection at work, and (later) a sample service. */
package io.lamina.demo;
