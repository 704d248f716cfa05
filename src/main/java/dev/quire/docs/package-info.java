/**
 * How a client finds its way: the entry point {@code GET /api} and its links, the OpenAPI 3.1 document (written by
 * hand in openapi.yaml, served as JSON) and the Swagger UI pages that browse it, served from the class path. Owns no
 * data and calls no service; the tests hold the description and the links to the routes the application really has.
 */
package dev.quire.docs;
