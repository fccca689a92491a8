import { importSuite } from './import-suite.ts';
import { whmPanel } from './panels.ts';

// 500 accounts from the WHM fake through provisioning-cpanel's listAccounts (listaccts).
importSuite(whmPanel);
