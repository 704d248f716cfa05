/**
 * Quire's answers to the errors a servlet container raises itself, before the application sees the request (a
 * malformed or ambiguous request, headers too large, an unsupported protocol version): problem+json with a request
 * id, like every other error. Only Jetty's WEB-INF/jetty-ee10-web.xml uses this package; nothing in Quire imports it,
 * and it is the only code that touches Jetty's own types. Tomcat's counterpart is a valve built from
 * docker/tomcat/valve/, installed in Tomcat's lib/.
 */
package dev.quire.container;
