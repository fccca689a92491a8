import { randomUUID } from 'node:crypto';
import type { ProvisioningCall } from '@mpanel/sdk';
import { callFor } from '@mpanel/sdk/testing';
import type { FakeWhmServer } from '../../../test/fakes/whm/server.ts';

/** A call for a fresh account on the fake WHM (its own username and domain), as hosting builds one. */
export function whmCall(whm: FakeWhmServer, opts: { package?: string; token?: string; timeoutSeconds?: number; domain?: string } = {}): ProvisioningCall {
  const serviceId = randomUUID();
  const user = `cp${serviceId.replace(/-/g, '').slice(0, 8)}`;
  return callFor({
    tenantId: randomUUID(), settings: { requestTimeoutSeconds: opts.timeoutSeconds ?? 2 },
    server: { id: randomUUID(), name: 'web1', hostname: 'web1.test', ipAddress: '127.0.0.1', port: whm.port, credentials: { protocol: 'http', username: 'root', token: opts.token ?? whm.token } },
    account: { serviceId, clientId: randomUUID(), username: user, domain: opts.domain ?? `${user}.test`, packageConfig: {} },
    plan: { diskMb: 1000, sites: 1, databases: 1, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256, remotePackage: opts.package ?? 'basic' },
  } as unknown as ProvisioningCall, 'create');
}
