package dev.quire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.books.BookResource;
import dev.quire.docs.DocsResource;
import dev.quire.health.HealthResource;
import dev.quire.identity.IdentityResource;
import dev.quire.identity.SignedInFilter;
import dev.quire.todos.TodoResource;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTemplatesTest {
    private final RouteTemplates routes = RouteTemplates.of(List.of(IdentityResource.class, TodoResource.class,
            BookResource.class, HealthResource.class, DocsResource.class, MetricsResource.class,
            SignedInFilter.class));

    @ParameterizedTest
    @CsvSource({
            "/api/accounts, /api/accounts",
            "/api/accounts/me, /api/accounts/me",
            "/api/accounts/acct_01ABC, /api/accounts/{id}",
            "/api/accounts/me/password, /api/accounts/me/password",
            "/api/todos, /api/todos",
            "/api/todos/todo_01ABC, /api/todos/{id}",
            "/api/books/book_1/reviews, /api/books/{id}/reviews",
            "/api/books/book_1/reviews/rev_2, /api/books/{id}/reviews/{reviewId}",
            "/health/ready, /health/ready",
            "/docs, /docs",
            "/docs/, /docs",
            "/docs/init.js, /docs/{file}",
            "/metrics, /metrics",
            "/api/todos/todo_1/extra, unmatched",
            "/api/nowhere, unmatched",
            "/metricsx, unmatched",
    })
    void namesTheTemplateOfAPathAndNeverThePathItself(String path, String template) {
        assertThat(routes.match(path)).isEqualTo(template);
    }
}
