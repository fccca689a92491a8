import { importSuite } from './import-suite.ts';
import { hestiaPanel } from './panels.ts';

// 500 accounts from the Hestia fake through provisioning-hestia's listAccounts (v-list-users).
importSuite(hestiaPanel);
