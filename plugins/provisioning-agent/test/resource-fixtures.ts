import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * The agent's routes take hosting's server ids (`/api/v1/servers/:id/enrollment`, `.../agent`):
 * hosting's fixtures made the server; a pending enrollment gives it an `agent_servers` row too, so
 * another tenant's 404 covers this plugin's table as well.
 */
export default defineResourceFixtures(async ({ request, ids }) => {
  if (!ids.servers) throw new Error('provisioning-agent fixtures need hosting\'s walked server');
  await request('POST', `/api/v1/servers/${ids.servers}/enrollment`);
  return {};
});
