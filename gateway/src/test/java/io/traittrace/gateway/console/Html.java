package io.traittrace.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the console tests read out of, and demand of, a rendered page. */
final class Html {

    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private Html() {
    }

    /**
     * Nothing the console's Content-Security-Policy would block: every script is loaded from a URL or is a JSON
     * data block, and no element carries an inline event handler or style.
     */
    static void assertCspClean(String html) {
        Matcher scripts = SCRIPT.matcher(html);
        while (scripts.find()) {
            String attributes = scripts.group(1);
            assertThat(attributes.contains("src=\"/") || attributes.contains("type=\"application/json\""))
                    .as("script tag <script%s>", attributes).isTrue();
        }
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainPattern("(?i)\\sstyle\\s*=")
                .doesNotContainPattern("(?i)<style\\b").doesNotContain("javascript:");
    }

    /** The CSRF token of the page's forms. */
    static String csrfField(String html) {
        Matcher field = CSRF_FIELD.matcher(html);
        assertThat(field.find()).as("a CSRF field in the page").isTrue();
        return field.group(1);
    }

    /** The text of the element with the given id (its first text, tags stripped). */
    static String textOf(String html, String id) {
        Matcher element = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</", Pattern.DOTALL).matcher(html);
        assertThat(element.find()).as("element #%s", id).isTrue();
        return element.group(1).replaceAll("<[^>]+>", "").trim();
    }

    /** The content of {@code <script type="application/json" id="...">}. */
    static String dataBlock(String html, String id) {
        Matcher block = Pattern.compile("<script type=\"application/json\" id=\"" + Pattern.quote(id) + "\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(block.find()).as("data block #%s", id).isTrue();
        return block.group(1);
    }
}
