/**
 * What every feature shares and no feature owns: the exception types services throw and the value types
 * they carry. Nothing here knows about HTTP, SQL or a particular feature.
 */
package dev.quire.shared;
