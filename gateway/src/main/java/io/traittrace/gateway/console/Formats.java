package io.traittrace.gateway.console;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

import io.quarkus.qute.TemplateExtension;

/** How the console writes numbers and times: {@code {fmt:num(x, 3)}}, {@code {fmt:p(p)}}, {@code {fmt:time(t)}}. */
@TemplateExtension(namespace = "fmt")
public final class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

    private Formats() {
    }

    /** A number with the given decimals; anything else as it is, and nothing as a dash. */
    public static String num(Object value, Integer digits) {
        if (value instanceof Number n) {
            if (value instanceof Integer || value instanceof Long) {
                return n.toString();
            }
            return String.format(Locale.ROOT, "%." + (digits == null ? 3 : digits) + "f", n.doubleValue());
        }
        return value == null ? "—" : value.toString();
    }

    /** A p-value: small ones in scientific notation, so that they do not all read 0.000. */
    public static String p(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && Math.abs(d) < 0.001 ? String.format(Locale.ROOT, "%.2e", d) : String.format(Locale.ROOT, "%.4f", d);
        }
        return value == null ? "—" : value.toString();
    }

    /** An ISO-8601 instant as UTC to the second; anything unparseable as it is. */
    public static String time(Object value) {
        if (value == null || value.toString().isBlank()) {
            return "—";
        }
        try {
            return OffsetDateTime.parse(value.toString()).withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
        } catch (DateTimeParseException e) {
            return value.toString();
        }
    }

    /** The first eight characters of an id, for tables: the full id is in the link and the page. */
    public static String shortId(Object value) {
        String id = value == null ? "" : value.toString();
        return id.length() > 8 ? id.substring(0, 8) + "…" : id;
    }

    /** A list as "a, b, c". */
    public static String list(Object value) {
        if (value instanceof Collection<?> items) {
            return items.isEmpty() ? "—" : items.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        return value == null ? "—" : value.toString();
    }

    /** Lower-case with dashes, for CSS classes such as {@code state-running}. */
    public static String slug(Object value) {
        return value == null ? "none" : value.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
