/**
 * Code shared by the backends of this library and not part of its API: it may change in any
 * release. Do not use it from applications.
 */
package io.discovery.client.internal;
