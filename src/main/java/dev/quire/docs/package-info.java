/**
 * API documentation: the OpenAPI 3.1 document, written by hand in openapi.yaml and served as JSON. Owns no data and
 * calls no service; it only describes the API, and the tests hold the description to the routes and responses the
 * application really has.
 */
package dev.quire.docs;
