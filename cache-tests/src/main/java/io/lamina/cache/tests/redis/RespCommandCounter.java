package io.lamina.cache.tests.redis;

/**
 * Counts the commands in a client's byte stream to Redis, fed chunk by chunk as they arrive: each
 * top-level RESP array ({@code *N} followed by N bulk strings) is one command, and so is each inline
 * command (a bare line such as {@code PING\r\n}). With a log, each complete array command is also handed to it as
 * text: its elements read as ISO-8859-1, separated by spaces, at most {@link #LOGGED} characters. Not thread-safe: one
 * reader feeds it.
 */
final class RespCommandCounter {

    /** The longest command text handed to the log. */
    static final int LOGGED = 300;

    private final java.util.function.Consumer<String> log;
    private final StringBuilder text = new StringBuilder();

    RespCommandCounter() {
        this(null);
    }

    RespCommandCounter(java.util.function.Consumer<String> log) {
        this.log = log;
    }

    private enum State { TOP, INLINE, ARRAY_LENGTH, ELEMENT_TYPE, ELEMENT_LINE, BULK_LENGTH, BULK_BODY }

    private State state = State.TOP;
    private long number;
    private boolean negative;
    private long elementsLeft;
    private long bodyLeft;
    private long commands;

    /** @return the commands whose start has been seen so far */
    long commands() {
        return commands;
    }

    void feed(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (state == State.BULK_BODY) {
                int skip = (int) Math.min(bodyLeft, end - i);
                if (log != null) {
                    // the element's bytes, without its CRLF (the last two of the body)
                    int data = (int) Math.max(0, Math.min(skip, bodyLeft - 2));
                    for (int k = i; k < i + data && text.length() < LOGGED; k++) {
                        text.append((char) (bytes[k] & 0xff));
                    }
                }
                i += skip;
                bodyLeft -= skip;
                if (bodyLeft == 0) {
                    elementDone();
                }
                continue;
            }
            step(bytes[i++]);
        }
    }

    private void step(byte b) {
        switch (state) {
            case TOP -> {
                if (b == '*') {
                    startNumber(State.ARRAY_LENGTH);
                } else if (b != '\r' && b != '\n') {
                    commands++;
                    state = State.INLINE;
                }
            }
            case INLINE, ELEMENT_LINE -> {
                if (b == '\n') {
                    if (state == State.INLINE) {
                        state = State.TOP;
                    } else {
                        elementDone();
                    }
                }
            }
            case ELEMENT_TYPE -> {
                if (b == '$') {
                    startNumber(State.BULK_LENGTH);
                } else {
                    state = State.ELEMENT_LINE; // not sent by clients; skip the line
                }
            }
            case ARRAY_LENGTH, BULK_LENGTH -> {
                if (b == '-') {
                    negative = true;
                } else if (b >= '0' && b <= '9') {
                    number = number * 10 + (b - '0');
                } else if (b == '\n') {
                    long value = negative ? -number : number;
                    if (state == State.ARRAY_LENGTH) {
                        commands++;
                        text.setLength(0);
                        elementsLeft = value;
                        state = value > 0 ? State.ELEMENT_TYPE : State.TOP;
                    } else if (value < 0) {
                        elementDone();
                    } else {
                        bodyLeft = value + 2; // the data and its CRLF
                        state = State.BULK_BODY;
                    }
                }
            }
            default -> throw new IllegalStateException("unexpected state " + state);
        }
    }

    private void startNumber(State next) {
        number = 0;
        negative = false;
        state = next;
    }

    private void elementDone() {
        elementsLeft--;
        if (elementsLeft > 0) {
            if (log != null && text.length() < LOGGED) {
                text.append(' ');
            }
            state = State.ELEMENT_TYPE;
        } else {
            state = State.TOP;
            if (log != null) {
                log.accept(text.toString());
            }
        }
    }
}
