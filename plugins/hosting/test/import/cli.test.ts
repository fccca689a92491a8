import { cliImportSuite } from './cli-suite.ts';
import { hestiaPanel, whmPanel } from './panels.ts';

// The same CLI run against each panel fake, through its real module's listAccounts.
cliImportSuite(hestiaPanel);
cliImportSuite(whmPanel);
