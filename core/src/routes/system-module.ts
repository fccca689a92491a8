import type { CoreModule } from '../module.ts';
import { systemRoutes } from './system.ts';

export const systemModule: CoreModule = {
  name: 'system',
  routes: (container) =>
    systemRoutes(container, { redisReady: () => container.cradle.redis?.ready() ?? false }),
};
