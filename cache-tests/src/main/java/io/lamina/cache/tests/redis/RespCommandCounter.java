package io.lamina.cache.tests.redis;

/**
 * Counts the commands in a client's byte stream to Redis, fed chunk by chunk as they arrive: each
 * top-level RESP array ({@code *N} followed by N bulk strings) is one command, and so is each inline
 * command (a bare line such as {@code PING\r\n}). Not thread-safe: one reader feeds it.
 */
final class RespCommandCounter {

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
        state = elementsLeft > 0 ? State.ELEMENT_TYPE : State.TOP;
    }
}
