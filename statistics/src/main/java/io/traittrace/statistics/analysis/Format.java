package io.traittrace.statistics.analysis;

import java.util.Locale;

/** Numbers in reasons and rules: short for people, yet never so short that a value reads as equal to its threshold. */
final class Format {

    private static final int SIGNIFICANT_DIGITS = 4;
    /** Enough to tell any two doubles apart. */
    private static final int MAX_SIGNIFICANT_DIGITS = 17;

    private Format() {
    }

    static String number(double value) {
        return number(value, SIGNIFICANT_DIGITS);
    }

    /** The value, with more digits where 4 would print "p = 0.01 < 0.01" for a p of 0.0099999. */
    static String against(double value, double threshold) {
        int digits = SIGNIFICANT_DIGITS;
        while (digits < MAX_SIGNIFICANT_DIGITS && value != threshold && number(value, digits).equals(number(threshold, digits))) {
            digits++;
        }
        return number(value, digits);
    }

    private static String number(double value, int significantDigits) {
        if (value == 0) {
            return "0";
        }
        String text = String.format(Locale.ROOT, "%." + significantDigits + "g", value);
        int exponentAt = text.indexOf('e');
        String mantissa = exponentAt < 0 ? text : text.substring(0, exponentAt);
        String exponent = exponentAt < 0 ? "" : text.substring(exponentAt);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + exponent;
    }
}
