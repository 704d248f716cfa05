package dev.quire.todos;

/**
 * What a client sends to create a todo or replace one: {@code title} is required; {@code completed} defaults to
 * false; {@code order} defaults to after the last todo on create and to the todo's current place on replace.
 */
record TodoInput(String title, Boolean completed, Long order) {}
