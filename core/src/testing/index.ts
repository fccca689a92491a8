/**
 * `@mpanel/core/testing`: the platform booted for tests. `@mpanel/sdk/testing` (what plugin
 * authors import) delegates here, so plugins never import core themselves.
 */
export { createTestHost } from './plugin-test-host.ts';
export { startTestServer, type TestServer, type TestServerOptions, type ApiResponse, type RequestOptions } from './test-server.ts';
