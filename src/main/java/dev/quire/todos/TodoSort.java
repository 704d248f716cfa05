package dev.quire.todos;

import java.util.Arrays;
import java.util.Optional;

/** The orders a todo list can be read in; every one ends with the id, so the order is total and pages are stable. */
enum TodoSort {
    ORDER("order", "position", false),
    ORDER_DESC("-order", "position", true),
    CREATED("createdAt", "created_at", false),
    CREATED_DESC("-createdAt", "created_at", true),
    TITLE("title", "title_key", false),
    TITLE_DESC("-title", "title_key", true);

    private final String wireName;
    final String column;
    final boolean descending;

    TodoSort(String wireName, String column, boolean descending) {
        this.wireName = wireName;
        this.column = column;
        this.descending = descending;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TodoSort> fromWireName(String name) {
        return Arrays.stream(values()).filter(sort -> sort.wireName.equals(name)).findFirst();
    }

    static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(TodoSort::wireName).toList());
    }
}
