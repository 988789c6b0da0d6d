package io.lamina.cache.tests.topology;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what Lamina logs (through System.Logger, which goes to java.util.logging here) while open. */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("io.lamina.cache");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        logger.addHandler(this);
    }

    List<String> lines() {
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        String text = record.getMessage();
        if (record.getParameters() != null && record.getParameters().length > 0) {
            text = java.text.MessageFormat.format(text, record.getParameters());
        }
        lines.add(record.getLevel() + " " + text + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
