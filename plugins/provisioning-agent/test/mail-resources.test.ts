import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DesiredResource, ProvisioningCall, ProvisioningError } from '@mpanel/sdk';
import { createAgentModule } from '../src/module.ts';
import type { OpResult } from '../src/job-channel.ts';

/** The module maps the mail resource kinds to the agent's mail ops (issue 18): op names, params, results, errors. */
describe('provisioning-agent: mail resources', function () {
  const sent: Array<{ op: string; params: Record<string, unknown> }> = [];
  let reply: (op: string) => OpResult = (op) => ({ ok: true, steps: [{ name: op, ok: true, ms: 1 }] });
  const module = createAgentModule({
    transportFor: () => async (_call, op, params) => {
      sent.push({ op, params: params as Record<string, unknown> });
      return reply(op);
    },
  });
  const call = (): ProvisioningCall => ({
    tenantId: randomUUID(), settings: {},
    server: { id: randomUUID(), hostname: 'mail.test', credentials: {} },
    account: { serviceId: randomUUID(), clientId: randomUUID(), username: 'mpt1', packageConfig: {} },
    plan: { diskMb: 1000, sites: 1, databases: 1, phpVersions: [], phpMaxChildren: 1, memoryMb: null },
    operation: { id: randomUUID(), action: 'resource.ensure', attempt: 1, idempotencyKey: randomUUID(), deadline: new Date(Date.now() + 60_000), step: () => undefined },
  });
  const domain: DesiredResource = { kind: 'mailDomain', id: 'd1', domain: 'example.test', dkim: { selector: 'mp1', privateKeyPem: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n' }, state: 'active' };
  const mailbox: DesiredResource = { kind: 'mailbox', id: 'm1', domain: 'example.test', localPart: 'info', passwordHash: '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', quotaMb: 100, sendLimitPerHour: 50, autoresponder: null, suspendPolicy: 'keep', state: 'active' };
  const alias: DesiredResource = { kind: 'mailAlias', id: 'a1', domain: 'example.test', localPart: '*', targets: ['info@example.test'], state: 'active' };

  beforeEach(() => { sent.length = 0; reply = (op) => ({ ok: true, steps: [{ name: op, ok: true, ms: 1 }] }); });

  it('declares the mail kinds as capabilities', () => {
    for (const kind of ['mailDomain', 'mailbox', 'mailAlias'] as const) assert.ok(module.capabilities?.resources?.includes(kind), kind);
  });

  it('ensures each kind through its op with the resource under its param key', async () => {
    for (const [desired, op, key] of [[domain, 'mail.domain.ensure', 'mailDomain'], [mailbox, 'mailbox.ensure', 'mailbox'], [alias, 'mail.alias.ensure', 'mailAlias']] as const) {
      const observed = await module.resources!.ensure(call(), desired);
      assert.deepEqual(sent.at(-1), { op, params: { username: 'mpt1', [key]: desired } });
      assert.deepEqual(observed, { kind: desired.kind, id: desired.id, exists: true, state: 'active' });
    }
  });

  it('returns what the agent observed', async () => {
    reply = () => ({ ok: true, steps: [], observed: { kind: 'mailbox', id: 'm1', exists: true, state: 'suspended', detail: { usageMb: 3.5 } } });
    assert.deepEqual(await module.resources!.ensure(call(), mailbox), { kind: 'mailbox', id: 'm1', exists: true, state: 'suspended', detail: { usageMb: 3.5 } });
  });

  it('removes each kind by id', async () => {
    await module.resources!.remove!(call(), { kind: 'mailDomain', id: 'd1' });
    await module.resources!.remove!(call(), { kind: 'mailbox', id: 'm1' });
    await module.resources!.remove!(call(), { kind: 'mailAlias', id: 'a1' });
    assert.deepEqual(sent, [
      { op: 'mail.domain.remove', params: { username: 'mpt1', kind: 'mailDomain', id: 'd1', mailDomainId: 'd1' } },
      { op: 'mailbox.remove', params: { username: 'mpt1', kind: 'mailbox', id: 'm1', mailboxId: 'm1' } },
      { op: 'mail.alias.remove', params: { username: 'mpt1', kind: 'mailAlias', id: 'a1', aliasId: 'a1' } },
    ]);
  });

  it('turns an agent failure into a ProvisioningError with its code', async () => {
    reply = () => ({ ok: false, code: 'NOT_FOUND', retryable: false, message: 'Mail domain example.test is not set up', steps: [] });
    await assert.rejects(module.resources!.ensure(call(), mailbox), (e: ProvisioningError) => e.code === 'NOT_FOUND' && !e.retryable && /not set up/.test(e.message));
  });
});
