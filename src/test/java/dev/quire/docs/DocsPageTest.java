package dev.quire.docs;

/** The documentation pages with Quire at the root, as Jetty and Docker deploy it. */
class DocsPageTest extends DocsPageSuite {
    @Override
    String contextPath() {
        return "/";
    }
}
