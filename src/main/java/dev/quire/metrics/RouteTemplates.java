package dev.quire.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.model.Resource;

/**
 * The route template a request path belongs to ({@code /api/todos/{id}}), taken from the JAX-RS resources
 * themselves, so metrics are labelled by route and never by raw path (one series per id would have no bound).
 * Matching here, rather than asking Jersey afterwards, also names the route of a request a filter answered
 * before it reached Jersey: a 401 for a bad token, a replayed idempotent POST, a 413.
 */
public final class RouteTemplates {
    /** The label of a path under Jersey's prefixes that no resource serves. */
    public static final String UNMATCHED = "unmatched";
    private static final Pattern PARAMETER = Pattern.compile("\\{[^}]+}");

    private record Route(String template, Pattern pattern) {}

    private final List<Route> routes;

    private RouteTemplates(List<Route> routes) {
        this.routes = routes;
    }

    /** The templates of these resources (instances or classes), as Jersey's own model of them gives them. */
    public static RouteTemplates of(List<?> resources) {
        return of(resources, List.of());
    }

    /** As {@link #of(List)}, with routes served outside Jersey (the event streams' servlet). */
    public static RouteTemplates of(List<?> resources, List<String> otherRoutes) {
        var templates = new ArrayList<String>(otherRoutes);
        for (Object resource : resources) {
            Class<?> type = resource instanceof Class<?> c ? c : resource.getClass();
            if (Resource.isAcceptable(type) && type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                collect(Resource.from(type), "", templates);
            }
        }
        var routes = templates.stream().distinct()
                // literal segments win over parameters: /api/accounts/me before /api/accounts/{id}
                .sorted(Comparator.comparingInt(RouteTemplates::literalLength).reversed())
                .map(template -> new Route(template, Pattern.compile(regex(template))))
                .toList();
        return new RouteTemplates(routes);
    }

    private static void collect(Resource resource, String parent, List<String> templates) {
        String path = join(parent, resource.getPath());
        if (!resource.getResourceMethods().isEmpty()) {
            templates.add(path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, templates);
        }
    }

    private static String join(String parent, String path) {
        String trimmed = path == null ? "" : path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? (parent.isEmpty() ? "/" : parent) : parent + "/" + trimmed;
    }

    private static int literalLength(String template) {
        return PARAMETER.matcher(template).replaceAll("").length();
    }

    private static String regex(String template) {
        var regex = new StringBuilder();
        Matcher parameter = PARAMETER.matcher(template);
        int last = 0;
        while (parameter.find()) {
            regex.append(Pattern.quote(template.substring(last, parameter.start()))).append("[^/]+");
            last = parameter.end();
        }
        // Jersey serves /docs and /docs/ alike
        return regex.append(Pattern.quote(template.substring(last))).append("/?").toString();
    }

    /** The template {@code path} (without the context path) belongs to, or {@link #UNMATCHED}. */
    public String match(String path) {
        for (Route route : routes) {
            if (route.pattern().matcher(path).matches()) {
                return route.template();
            }
        }
        return UNMATCHED;
    }
}
