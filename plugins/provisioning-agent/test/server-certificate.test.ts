import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ProvisioningError, ServerCall } from '@mpanel/sdk';
import { createAgentModule } from '../src/module.ts';
import type { OpResult } from '../src/job-channel.ts';

/** certificates.installServer → the agent's mail.tls.install (issue 18 item 4): op, params, `changed`, refusals. */
describe('provisioning-agent: server certificate', () => {
  const sent: Array<{ op: string; params: unknown }> = [];
  let reply: OpResult = { ok: true, steps: [] };
  const module = createAgentModule({
    transportFor: () => async (_call, op, params) => {
      sent.push({ op, params });
      return reply;
    },
  });
  const call: ServerCall = { tenantId: randomUUID(), settings: {}, server: { id: randomUUID(), hostname: 'mx1.example.test', credentials: {} } };
  const pair = { names: ['mx1.example.test'], certPem: 'CERT', keyPem: 'KEY' };

  it('sends the names and pair as mail.tls.install and reports whether the server changed anything', async () => {
    reply = { ok: true, steps: [], observed: { kind: 'serverCertificate', changed: true, serial: '01' } };
    assert.deepEqual(await module.certificates!.installServer!(call, pair), { changed: true });
    assert.deepEqual(sent.at(-1), { op: 'mail.tls.install', params: pair });
    reply = { ok: true, steps: [], observed: { kind: 'serverCertificate', changed: false } };
    assert.deepEqual(await module.certificates!.installServer!(call, pair), { changed: false });
  });

  it('a refused pair is a ProvisioningError with the agent\'s code and words, not retryable', async () => {
    reply = { ok: false, code: 'INVALID_INPUT', retryable: false, message: 'The private key does not belong to the certificate', steps: [] };
    await assert.rejects(module.certificates!.installServer!(call, pair), (e: ProvisioningError) => e.code === 'INVALID_INPUT' && e.retryable === false && /does not belong/.test(e.message));
  });
});
