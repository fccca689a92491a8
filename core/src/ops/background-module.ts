import type { CoreModule } from '../module.ts';
import { runsBackground, servesHttp } from './roles.ts';

/**
 * The last core module: once every module (and plugin) has started, starts the background
 * services on the roles that run them (see roles.ts).
 */
export const backgroundModule: CoreModule = {
  name: 'background',
  async start(container) {
    const { config, backgroundServices, socketServer, logger } = container.cradle;
    // A worker has no socket.io clients of its own; its pushes reach the web instances' sockets
    // through the Redis adapter.
    if (!servesHttp(config.role)) socketServer.emitOnly();
    if (config.role !== 'all' && !config.redisUrl) logger.warn({ role: config.role }, 'roles are split without REDIS_URL: realtime pushes made on a worker reach no browser (they need the Redis adapter)');
    if (runsBackground(config.role)) await backgroundServices.startAll();
    logger.info({ role: config.role, background: runsBackground(config.role) ? backgroundServices.names() : [] }, 'process role');
  },
};
