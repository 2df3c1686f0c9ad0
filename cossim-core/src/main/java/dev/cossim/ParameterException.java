package dev.cossim;

/**
 * A request parameter with a value that cannot work, in the library's words: {@code parameter} names it as the
 * library does ("top-k", "bins", "threshold", ...), {@code value} is what was given and {@code reason} what is wrong.
 * Front ends that spell the parameter otherwise (a command-line option) render it with {@link #renderAs}.
 */
public class ParameterException extends CossimException {
    private final String parameter;
    private final String value;
    private final String reason;

    public ParameterException(String parameter, Object value, String reason) {
        super(parameter + " " + value + ": " + reason);
        this.parameter = parameter;
        this.value = String.valueOf(value);
        this.reason = reason;
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }

    /** The same message with the parameter spelled {@code name} (e.g. "--top-k"). */
    public String renderAs(String name) {
        return name + " " + value + ": " + reason;
    }
}
