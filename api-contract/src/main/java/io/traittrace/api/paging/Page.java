package io.traittrace.api.paging;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, as every list of every API answers it: {@code {items, page, size, total}}, {@code page} from 0,
 * {@code size} the size asked for (the last page may hold fewer items), {@code total} the items of the whole list.
 */
public record Page<T>(List<T> items, int page, int size, long total) {

    public Page {
        items = List.copyOf(items);
    }

    /** The items of the page {@code request} asked for, out of {@code total}. */
    public static <T> Page<T> of(List<T> items, PageRequest request, long total) {
        return new Page<>(items, request.page(), request.size(), total);
    }

    /** The same page with each item mapped (an entity to its view). */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(items.stream().<R>map(mapper).toList(), page, size, total);
    }
}
