import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { MemoryLab, memoryModule } from './memory-module.ts';

/** The servers the engine tests drive (shared with the test file through this module). */
export const lab = new MemoryLab();

/** A plugin providing the in-memory module as `memory`: servers with `module = 'memory'` use it. */
export const memoryProvider = definePlugin({
  manifest: { id: 'hosting-memory', name: 'In-memory hosting servers', version: '1.0.0', engines: { mpanel: '>=0.1.0' } },
  register(ctx) {
    ctx.extensions.provide(extensionPoints.provisioning, 'memory', memoryModule(lab));
  },
});
