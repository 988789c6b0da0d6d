/**
 * Lamina's demo: {@link io.lamina.demo.DemoMain} runs the scripted tour ({@code io.lamina.demo.tour}) over two
 * nodes of the sample service ({@code io.lamina.demo.catalog}), or keeps one node serving with {@code --serve}.
 */
package io.lamina.demo;
