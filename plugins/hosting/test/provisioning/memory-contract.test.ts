import { randomUUID } from 'node:crypto';
import type { ProvisioningCall } from '@mpanel/sdk';
import { callFor, provisioningContract } from '@mpanel/sdk/testing';
import { MemoryLab, memoryModule, usernameOf } from './memory-module.ts';

const lab = new MemoryLab();
const SERVER = randomUUID();

function makeCall(variant: 'ok' | 'wrongPackage' | 'wrongCredentials'): ProvisioningCall {
  const serviceId = randomUUID();
  return callFor({
    tenantId: randomUUID(), settings: {},
    server: { id: SERVER, hostname: 'web1.test', credentials: { token: variant === 'wrongCredentials' ? 'stale-token' : 'right-token' } },
    account: { serviceId, clientId: randomUUID(), domain: `${serviceId.slice(0, 8)}.test`, packageConfig: { package: variant === 'wrongPackage' ? 'platinum-typo' : 'basic' } },
    plan: { diskMb: 1000, sites: 1, databases: 1, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256 },
  } as unknown as ProvisioningCall, 'create');
}

provisioningContract({
  name: 'in-memory test module',
  makeModule: () => memoryModule(lab),
  makeCall,
  remote: {
    async truth(call) {
      const acct = lab.server(call.server.id).accounts.get(usernameOf(call));
      return acct ? { exists: true, status: acct.status } : { exists: false };
    },
    async count(call) {
      return lab.server(call.server.id).byService(call.account.serviceId).length;
    },
    timeoutAfterApply() {
      lab.server(SERVER).inject({ action: 'create', code: 'TIMEOUT', afterApply: true });
    },
    requests: () => lab.server(SERVER).requests,
  },
});
