import type { CoreModule } from './module.ts';
import { systemModule } from './routes/system-module.ts';
import { identityModule } from './identity/module.ts';
import { uiModule } from './ui/ui-module.ts';
import { pluginSystemModule } from './plugins/plugin-system-module.ts';
import { mailModule } from './mail/module.ts';
import { portalUsersModule } from './identity/portal-users/module.ts';
import { workflowsModule, workflowWorkersModule } from './workflows/module.ts';

/** The core modules, in start order. */
export const coreModules: CoreModule[] = [systemModule, identityModule, workflowsModule, pluginSystemModule, workflowWorkersModule, mailModule, portalUsersModule, uiModule];
