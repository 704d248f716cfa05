package dev.quire.docs;

/** The documentation pages under /quire, as Tomcat deploys quire.war. */
class DocsPageContextPathTest extends DocsPageSuite {
    @Override
    String contextPath() {
        return "/quire";
    }
}
