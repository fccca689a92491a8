import { randomUUID } from 'node:crypto';
import type { ProvisioningCall, ServerCall } from '@mpanel/sdk';
import { callFor } from '@mpanel/sdk/testing';
import type { FakeHestiaServer } from '../../../../test/fakes/hestia/server.ts';

/** A server entry pointing at the fake, with its keys (or a wrong secret). */
export function serverCall(fake: FakeHestiaServer, opts: { wrongSecret?: boolean; timeoutSeconds?: number } = {}): ServerCall {
  return {
    tenantId: randomUUID(), settings: { timeoutSeconds: opts.timeoutSeconds ?? 5 },
    server: {
      id: randomUUID(), hostname: 'web2.test', ipAddress: '127.0.0.1', port: fake.port,
      credentials: { scheme: 'http', accessKey: fake.keys.accessKey, secretKey: opts.wrongSecret ? 'stale-secret' : fake.keys.secretKey },
    },
  };
}

/** A call for a fresh account on the fake: its own username, service and domain. */
export function accountCall(fake: FakeHestiaServer, opts: { wrongSecret?: boolean; package?: string; timeoutSeconds?: number; domain?: string | null } = {}): ProvisioningCall {
  const serviceId = randomUUID();
  const username = `h${serviceId.slice(0, 8)}`;
  return callFor({
    ...serverCall(fake, opts),
    account: {
      serviceId, clientId: randomUUID(), username, ...(opts.domain === null ? {} : { domain: opts.domain ?? `${username}.example.com` }),
      password: 'Str0ng-enough-pass', packageConfig: { package: opts.package ?? 'default' }, options: { email: `${username}@client.example` },
    },
    plan: { diskMb: 1000, sites: 1, databases: 1, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256, remotePackage: null },
  } as unknown as ProvisioningCall, 'create');
}
