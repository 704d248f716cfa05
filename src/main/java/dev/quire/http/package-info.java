/**
 * HTTP plumbing shared by every feature: the filter chain, problem+json errors, JSON configuration, links and
 * the API entry point. No business rules live here, and nothing here touches a database.
 */
package dev.quire.http;
