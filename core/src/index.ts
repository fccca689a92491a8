/**
 * `@mpanel/core`'s public entry: what an embedder or a tool outside this repository may use.
 * Everything else under src/ is internal and may change without notice.
 */
export { startServer, type RunningServer } from './server.ts';
export { loadConfig, ConfigError, type Config } from './config/config.ts';
export { VERSION } from './version.ts';
