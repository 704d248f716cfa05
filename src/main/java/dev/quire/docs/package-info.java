/**
 * API documentation: the OpenAPI 3.1 document (written by hand in openapi.yaml, served as JSON) and the Swagger UI
 * pages that browse it, served from the class path. Owns no data and calls no service; it only describes the API,
 * and the tests hold the description to the routes and responses the application really has.
 */
package dev.quire.docs;
