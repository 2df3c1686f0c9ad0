package dev.cossim;

/**
 * A problem with the user's input (a file, an argument, a model): the message is one line that names the file or
 * argument and says what is wrong. Front ends print it without a stack trace.
 */
public class CossimException extends RuntimeException {
    /** Every message is made one line ({@link #oneLine}), whatever text of a file it quotes. */
    public CossimException(String message) {
        super(message == null ? null : oneLine(message));
    }

    public CossimException(String message, Throwable cause) {
        super(message == null ? null : oneLine(message), cause);
    }

    /** Longest a message gets: a reader quoting a name or a header out of a hostile file stays readable. */
    static final int MAX_MESSAGE = 1000;

    /**
     * A message naming the file first, as every reader reports bad input. It is made one line: line breaks and other
     * control characters that a file's own text (a tensor name, a label) brings in are shown escaped.
     */
    public static CossimException inFile(Object file, String what) {
        return new CossimException(oneLine(file + ": " + what));
    }

    /** {@code s} with control characters escaped (a line break as backslash-n) and cut to {@link #MAX_MESSAGE} characters. */
    public static String oneLine(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_MESSAGE) + 16);
        int i = 0;
        for (; i < s.length() && b.length() < MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (i < s.length()) {
            b.append("...");
        }
        return b.toString();
    }
}
