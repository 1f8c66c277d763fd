package io.traittrace.gateway.console;

import java.util.Map;

import io.quarkus.qute.TemplateData;

/** Previous and next links for one page of a service's list ({@code items, page, size, total}). */
@TemplateData
public record Paging(long page, long size, long total, long from, long to, String previous, String next) {

    /** The page asked for: a number from 0, anything else the first page. */
    static int number(String page) {
        try {
            return page == null ? 0 : Math.max(0, Math.min(1_000_000, Integer.parseInt(page.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Paging of(Map<String, Object> result, String path, Object... filters) {
        long page = longOf(result.get("page"));
        long size = Math.max(1, longOf(result.get("size")));
        long total = longOf(result.get("total"));
        int shown = result.get("items") instanceof java.util.List<?> items ? items.size() : 0;
        long from = shown == 0 ? 0 : page * size + 1;
        long to = page * size + shown;
        String previous = page > 0 ? link(path, page - 1, filters) : null;
        String next = (page + 1) * size < total ? link(path, page + 1, filters) : null;
        return new Paging(page, size, total, from, to, previous, next);
    }

    private static String link(String path, long page, Object... filters) {
        Object[] pairs = new Object[filters.length + 2];
        System.arraycopy(filters, 0, pairs, 0, filters.length);
        pairs[filters.length] = "page";
        pairs[filters.length + 1] = page == 0 ? null : page;
        String query = ConsoleService.query(pairs);
        return path + query;
    }

    private static long longOf(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
