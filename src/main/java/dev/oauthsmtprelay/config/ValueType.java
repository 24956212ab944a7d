package dev.oauthsmtprelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.apache.camel.util.TimeUtils;

/**
 * The form of a key's value: how its text is read, and what an administrator is told when the text is not of that
 * form ({@link #form()} completes "must be ...", {@link #hint()} says what to write instead).
 *
 * @param <T> what the text is read as
 */
public final class ValueType<T> {

    public static final ValueType<String> STRING = new ValueType<>("text", "", text -> text);
    public static final ValueType<Boolean> BOOL = new ValueType<>("true or false", "", ValueType::bool);
    public static final ValueType<Integer> INT = integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final ValueType<Long> LONG = wholeNumber(Long.MIN_VALUE);
    public static final ValueType<Duration> DURATION = new ValueType<>("a duration",
            "Use milliseconds (500) or a unit: 30s, 5m, 1h, 1h30m.", ValueType::duration);
    public static final ValueType<Path> PATH = new ValueType<>("a file or directory path", "", Path::of);
    /** Comma-separated; blanks around the commas and empty entries are dropped. */
    public static final ValueType<List<String>> LIST = new ValueType<>("a comma-separated list", "",
            text -> Arrays.stream(text.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList());
    /** A share of a whole in per cent, {@code 90} or {@code 90%}. */
    public static final ValueType<Integer> PERCENT = new ValueType<>("a whole percentage from 1 to 100",
            "For example 90.", ValueType::percent);

    private final String form;
    private final String hint;
    private final Function<String, T> reader;

    private ValueType(String form, String hint, Function<String, T> reader) {
        this.form = form;
        this.hint = hint;
        this.reader = reader;
    }

    /** One of these words, in any case; read as the word in lower case. */
    public static ValueType<String> oneOf(String... words) {
        List<String> choices = Arrays.asList(words);
        return new ValueType<>("one of " + String.join(", ", choices), "", text -> {
            String word = text.toLowerCase(Locale.ROOT);
            if (!choices.contains(word)) {
                throw new IllegalArgumentException("not one of " + choices);
            }
            return word;
        });
    }

    /** Whole numbers from {@code min} to {@code max}. */
    public static ValueType<Integer> integer(int min, int max) {
        return new ValueType<>(wholeNumberForm(min, max), "", text -> {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        });
    }

    /** Whole numbers of at least {@code min}, as longs. */
    public static ValueType<Long> wholeNumber(long min) {
        return new ValueType<>(wholeNumberForm(min, Long.MAX_VALUE), "", text -> {
            long value = Long.parseLong(text);
            if (value < min) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        });
    }

    /** Decimal numbers of at least {@code min}. */
    public static ValueType<Double> number(double min) {
        return new ValueType<>("a number of at least " + (min == Math.rint(min) ? String.valueOf((long) min) : min),
                "", text -> {
                    double value = Double.parseDouble(text);
                    if (!(value >= min) || Double.isInfinite(value)) {
                        throw new IllegalArgumentException("out of range");
                    }
                    return value;
                });
    }

    /** The same form, with a key's own advice for a value not of it. */
    public ValueType<T> hint(String advice) {
        return new ValueType<>(form, advice, reader);
    }

    /** Completes "must be ...": {@code a duration}, {@code true or false}. */
    public String form() {
        return form;
    }

    /** What to write instead of a value not of this form; empty when the form says it all. */
    public String hint() {
        return hint;
    }

    /**
     * @param text trimmed, not empty
     * @throws IllegalArgumentException when the text is not of this form
     */
    public T read(String text) {
        try {
            return reader.apply(text);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // Duration.parse's DateTimeParseException
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String wholeNumberForm(long min, long max) {
        if (min == Integer.MIN_VALUE || min == Long.MIN_VALUE) {
            return "a whole number";
        }
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "a whole number of at least " + min;
        }
        return "a whole number from " + min + " to " + max;
    }

    private static Boolean bool(String text) {
        String v = text.toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes")) {
            return true;
        }
        if (v.equals("false") || v.equals("no")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static Duration duration(String text) {
        // ISO-8601 (PT30S) as well as Camel's forms, which Camel's own options accept too
        return text.startsWith("P") || text.startsWith("p")
                ? Duration.parse(text)
                : Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }

    private static Integer percent(String text) {
        String digits = text.endsWith("%") ? text.substring(0, text.length() - 1).trim() : text;
        int value = Integer.parseInt(digits);
        if (value < 1 || value > 100) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }
}
