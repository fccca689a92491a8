import type { CoreModule } from './module.ts';
import { systemModule } from './routes/system-module.ts';
import { identityModule } from './identity/module.ts';
import { uiModule } from './ui/ui-module.ts';
import { pluginSystemModule } from './plugins/plugin-system-module.ts';
import { mailModule } from './mail/module.ts';
import { portalUsersModule } from './identity/portal-users/module.ts';
import { backupModule } from './backup/backup-module.ts';
import { opsModule } from './ops/ops-module.ts';
import { backgroundModule } from './ops/background-module.ts';
import { retentionModule } from './retention/module.ts';
import { workflowsModule, workflowWorkersModule } from './workflows/module.ts';

/** The core modules, in start order (ops first and background last: see core/src/ops/). */
export const coreModules: CoreModule[] = [opsModule, systemModule, identityModule, retentionModule, workflowsModule, pluginSystemModule, workflowWorkersModule, mailModule, portalUsersModule, backupModule, uiModule, backgroundModule];
