package dev.quire.todos;

/** A merge patch of a todo: null fields stay as they are (none of them may be removed). */
record TodoPatch(String title, Boolean completed, Long order) {}
