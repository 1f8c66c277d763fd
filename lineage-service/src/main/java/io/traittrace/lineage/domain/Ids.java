package io.traittrace.lineage.domain;

import java.util.regex.Pattern;

/**
 * The id alphabet for every lineage record: letters, digits, '.', '_', ':' and '-', starting and ending with
 * a letter or digit, at most 128 characters. Ids travel in URL path segments, Kubernetes labels (after
 * mapping) and certificate subjects, so slashes, spaces and percent signs are excluded; a Hugging Face
 * repository "org/name" is conventionally registered as "org--name" with its real name in {@code name}/{@code uri}.
 */
public final class Ids {

    public static final int MAX_LENGTH = 128;
    public static final String PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9._:-]{0,126}[A-Za-z0-9])?$";
    public static final String RULE = "1-128 characters from A-Z a-z 0-9 . _ : -, starting and ending with a letter or digit";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && COMPILED.matcher(id).matches();
    }

    /** Maps a Hugging Face repository name ("org/name") onto the id alphabet ("org--name"). */
    public static String fromHubName(String hubName) {
        return hubName.trim().replace("/", "--");
    }
}
