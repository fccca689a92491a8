// Hosting's schema comes from its migrations: the HTTP tests boot core's test server with a plugins
// folder holding billing (which hosting depends on) and hosting, through billing's own helper.
// eslint-disable-next-line no-restricted-imports
export type { TestServer } from '../../../../core/src/testing/test-server.ts';
import { startBillingServer } from '../../../billing/test/support/api-server.ts';

export const startHostingServer = (env: Record<string, string> = {}) => startBillingServer(['hosting'], env);
