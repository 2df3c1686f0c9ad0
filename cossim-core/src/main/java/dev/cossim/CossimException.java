package dev.cossim;

/**
 * A problem with the user's input (a file, an argument, a model): the message is one line that names the file or
 * argument and says what is wrong. Front ends print it without a stack trace.
 */
public class CossimException extends RuntimeException {
    public CossimException(String message) {
        super(message);
    }

    public CossimException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A message naming the file first, as every reader reports bad input. */
    public static CossimException inFile(Object file, String what) {
        return new CossimException(file + ": " + what);
    }
}
