package dev.quire.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.model.Resource;

/**
 * The route template a request path belongs to ({@code /api/todos/{id}}), taken from the JAX-RS resources
 * themselves, so metrics are labelled by route and never by raw path (one series per id would have no bound).
 * Matching here, rather than asking Jersey afterwards, also names the route of a request a filter answered
 * before it reached Jersey: a 401 for a bad token, a replayed idempotent POST, a 413.
 *
 * <p>The templates are a tree of path segments, walked once per request (a literal segment before a parameter:
 * {@code /api/accounts/me} before {@code /api/accounts/{id}}); trying a regular expression per route was a few
 * per cent of a cheap request's CPU time.
 */
public final class RouteTemplates {
    /** The label of a path under Jersey's prefixes that no resource serves. */
    public static final String UNMATCHED = "unmatched";
    private static final Pattern PARAMETER = Pattern.compile("\\{[^}]+}");

    /** A segment's way on: by literal text, or any non-empty segment; and the template that ends here, if one does. */
    private static final class Node {
        final Map<String, Node> literals = new HashMap<>();
        Node parameter;
        String template;
    }

    private final Node root;

    private RouteTemplates(Node root) {
        this.root = root;
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
        var root = new Node();
        for (String template : templates) {
            Node node = root;
            for (String segment : segments(template)) {
                if (PARAMETER.matcher(segment).matches()) {
                    node = node.parameter == null ? (node.parameter = new Node()) : node.parameter;
                } else if (segment.indexOf('{') >= 0) {
                    throw new IllegalArgumentException("A segment that mixes text and a parameter: " + template);
                } else {
                    node = node.literals.computeIfAbsent(segment, s -> new Node());
                }
            }
            if (node.template == null) {
                node.template = template;
            }
        }
        return new RouteTemplates(root);
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

    /** The segments of a path without its leading slash and one trailing slash (Jersey serves /docs and /docs/ alike). */
    private static String[] segments(String path) {
        int end = path.length() > 1 && path.endsWith("/") ? path.length() - 1 : path.length();
        String trimmed = path.substring(path.startsWith("/") ? 1 : 0, Math.max(end, path.startsWith("/") ? 1 : 0));
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** The template {@code path} (without the context path) belongs to, or {@link #UNMATCHED}. */
    public String match(String path) {
        String template = match(root, segments(path), 0);
        return template == null ? UNMATCHED : template;
    }

    private static String match(Node node, String[] segments, int at) {
        if (at == segments.length) {
            return node.template;
        }
        String segment = segments[at];
        Node literal = node.literals.get(segment);
        if (literal != null) {
            String template = match(literal, segments, at + 1);
            if (template != null) {
                return template;
            }
        }
        return node.parameter != null && !segment.isEmpty() ? match(node.parameter, segments, at + 1) : null;
    }
}
