package io.tidepool.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of one setting into its typed value, following the rules of PostgreSQL's GUC
 * files that pgpool-II copies: booleans in any case, integers in decimal, {@code 0x} hex or
 * leading-zero octal with an optional unit suffix, enums without regard to case.
 *
 * <p>Typed values: BOOL → {@link Boolean}, INT → {@link Long} (in the base unit), REAL →
 * {@link Double}, STRING → {@link String}, ENUM → {@link EnumOption}, LIST → {@code List<String>}.
 */
final class ValueParser {

    /** A number (decimal, hex or octal integer, or a decimal fraction) and an optional unit. */
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile(
            "([+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+\\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?))"
                    + "\\s*([a-zA-Z]*)");
    private static final Pattern REAL = Pattern.compile(
            "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    private ValueParser() {
    }

    /** The parsed value, or why the text is not acceptable. */
    sealed interface Result permits Ok, Invalid {
    }

    record Ok(Object value) implements Result {
    }

    /** {@code reason} explains a specific problem; empty means "not what the parameter expects". */
    record Invalid(Optional<String> reason) implements Result {
        static Invalid because(String reason) {
            return new Invalid(Optional.of(reason));
        }
    }

    static Result parse(Parameter parameter, String text) {
        Result result = parseType(parameter, text);
        if (result instanceof Ok ok) {
            Optional<String> problem = parameter.check().problem(ok.value());
            if (problem.isPresent()) {
                return Invalid.because(problem.get());
            }
        }
        return result;
    }

    /** The message of an invalid value: {@code invalid value 'abc' for port (expected an integer 0..65535)}. */
    static String message(String key, String text, Parameter parameter, Invalid invalid) {
        String reason = invalid.reason().orElse("expected " + parameter.expectation());
        return "invalid value '" + text + "' for " + key + " (" + reason + ")";
    }

    private static Result parseType(Parameter parameter, String text) {
        return switch (parameter.type()) {
            case BOOL -> parseBool(text).<Result>map(Ok::new).orElse(expected());
            case INT -> parseInteger(parameter, text);
            case REAL -> parseReal(parameter, text);
            case STRING -> new Ok(text);
            case ENUM -> parameter.option(text.trim()).<Result>map(Ok::new).orElse(expected());
            case LIST -> new Ok(splitList(text, parameter.listSeparator()));
        };
    }

    private static Invalid expected() {
        return new Invalid(Optional.empty());
    }

    static Optional<Boolean> parseBool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> Optional.of(Boolean.TRUE);
            case "off", "false", "no", "0" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }

    /**
     * Items of a list, trimmed, empty items dropped. A {@code ;} preceded by a backslash does not split
     * (pgpool-II lets regular expressions in primary_routing_query_pattern_list contain {@code \;}); the
     * backslash stays so the item is still the regular expression the user wrote.
     */
    static List<String> splitList(String text, char separator) {
        String splitter = separator == ';' ? "(?<!\\\\);" : Pattern.quote(String.valueOf(separator));
        return Arrays.stream(text.split(splitter))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static Result parseInteger(Parameter parameter, String text) {
        Matcher m = NUMBER_WITH_UNIT.matcher(text.trim());
        if (!m.matches()) {
            return expected();
        }
        String number = m.group(1);
        String suffix = m.group(2);
        double amount;
        try {
            amount = parseNumber(number);
        } catch (NumberFormatException e) {
            return expected();
        }
        if (!suffix.isEmpty()) {
            if (parameter.unit() == ValueUnit.NONE) {
                return Invalid.because("this parameter takes no unit; expected " + parameter.expectation());
            }
            Optional<Double> converted = parameter.unit().toBase(amount, suffix);
            if (converted.isEmpty()) {
                return expected();
            }
            amount = converted.get();
        } else if (amount != Math.rint(amount)) {
            return expected();
        }
        if (amount < parameter.min() || amount > parameter.max() || Double.isNaN(amount)) {
            return expected();
        }
        return new Ok((long) amount);
    }

    /** Decimal, {@code 0x} hex, leading-zero octal (as C's strtol with base 0), or a decimal fraction. */
    private static double parseNumber(String number) {
        boolean negative = number.startsWith("-");
        String digits = number.startsWith("-") || number.startsWith("+") ? number.substring(1) : number;
        double magnitude;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            magnitude = Long.parseLong(digits.substring(2), 16);
        } else if (digits.length() > 1 && digits.startsWith("0") && digits.chars().allMatch(Character::isDigit)) {
            magnitude = Long.parseLong(digits, 8);
        } else if (digits.chars().allMatch(Character::isDigit)) {
            magnitude = Long.parseLong(digits);
        } else {
            magnitude = Double.parseDouble(digits);
        }
        return negative ? -magnitude : magnitude;
    }

    private static Result parseReal(Parameter parameter, String text) {
        String trimmed = text.trim();
        if (!REAL.matcher(trimmed).matches()) {
            return expected();
        }
        double value = Double.parseDouble(trimmed);
        if (value < parameter.realMin() || value > parameter.realMax()) {
            return expected();
        }
        return new Ok(value);
    }

    /** The canonical text of a typed value, as the sample file and reports write it. */
    static String format(Parameter parameter, Object value) {
        return switch (parameter.type()) {
            case BOOL -> (Boolean) value ? "on" : "off";
            case INT -> parameter.unit().format((Long) value);
            case REAL -> Parameter.formatReal((Double) value);
            case STRING -> (String) value;
            case ENUM -> ((EnumOption) value).name();
            case LIST -> String.join(parameter.listSeparator() == ';' ? ";" : ",", castList(value));
        };
    }

    /** C's {@code printf("%g")}: six significant digits, trailing zeros dropped, exponent when large or tiny. */
    static String formatLikeCG(double value) {
        if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return value == 0 ? "0" : Double.toString(value);
        }
        java.math.BigDecimal rounded = new java.math.BigDecimal(value).round(new java.math.MathContext(6));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    @SuppressWarnings("unchecked")
    static List<String> castList(Object value) {
        return (List<String>) value;
    }
}
