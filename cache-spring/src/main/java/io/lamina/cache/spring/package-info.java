/** Spring integration of Lamina: annotations, the aspect and Spring Boot auto-configuration. */
package io.lamina.cache.spring;
