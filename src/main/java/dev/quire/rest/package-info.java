/**
 * What resources use to speak HTTP: links, entity tags, merge patches, strict query parameters, the one JSON
 * configuration, and which paths are the API. Below every feature: it imports only {@code shared}.
 */
package dev.quire.rest;
