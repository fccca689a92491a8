import type { CoreModule } from './module.ts';
import { systemModule } from './routes/system-module.ts';

/** The core modules, in start order. */
export const coreModules: CoreModule[] = [systemModule];
