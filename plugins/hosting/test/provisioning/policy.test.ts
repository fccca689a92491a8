import assert from 'node:assert/strict';
import { ProvisioningError } from '@mpanel/sdk';
import { retryDelay, MAX_TRIES } from '../../src/provisioning/retry-schedule.ts';
import { classify, decide, NEUTRAL_CLIENT_MESSAGE } from '../../src/provisioning/failures.ts';
import { driftOf } from '../../src/provisioning/reconcile.ts';
import { digestRecipients } from '../../src/provisioning/schedule.ts';
import { redact } from '../../src/provisioning/redact.ts';
import { progressView } from '../../src/provisioning/progress.ts';

describe('provisioning policy (pure)', () => {
  it('retry schedule: 30 s, 2 m, 10 m, 30 m, 2 h, 6 h, then none; a longer retryAfterMs wins, a shorter one does not', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelay(a)), [30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, null]);
    assert.equal(retryDelay(1, 90_000), 90_000);
    assert.equal(retryDelay(2, 1_000), 120_000);
    assert.equal(MAX_TRIES, 7);
  });

  it('non-retryable codes need attention at once; retryable ones back off until the last try', () => {
    const auth = classify(new ProvisioningError('The server refused the API token: set the current one', 'AUTH'));
    assert.deepEqual(decide(auth, 1), { kind: 'attention' });
    const down = classify(new ProvisioningError('web1 did not answer', 'UNREACHABLE', { retryAfterMs: 300_000 }));
    assert.deepEqual(decide(down, 1), { kind: 'retry', delayMs: 300_000 });
    assert.deepEqual(decide(down, 7), { kind: 'attention' });
    assert.equal(auth.clientMessage, NEUTRAL_CLIENT_MESSAGE, 'no clientMessage: the portal gets the neutral text');
    const bug = classify(new TypeError('x is undefined'));
    assert.deepEqual([bug.code, bug.retryable, bug.ambiguous], ['REMOTE_ERROR', true, false]);
    const cut = classify(Object.assign(new Error('the step did not finish within 180000 ms'), { name: 'StepTimeoutError' }));
    assert.deepEqual([cut.code, cut.ambiguous], ['TIMEOUT', true]);
  });

  it('drift: intent against what the server has, with the action that fixes it', () => {
    assert.deepEqual(driftOf({ desired_state: 'suspended' }, { exists: true, status: 'active' }).map((d) => d.fix), ['suspend']);
    assert.deepEqual(driftOf({ desired_state: 'active' }, { exists: false }).map((d) => d.fix), ['create']);
    assert.deepEqual(driftOf({ desired_state: 'terminated' }, { exists: true, status: 'active' }).map((d) => d.fix), ['terminate']);
    assert.deepEqual(driftOf({ desired_state: 'active' }, { exists: true, status: 'active', packageName: 'gold' }, { remotePackage: 'basic' }).map((d) => [d.field, d.fix]), [['package', undefined]]);
    assert.deepEqual(driftOf({ desired_state: 'active' }, { exists: true, status: 'active' }), []);
  });

  it('step logs never keep secrets, whatever the module passes', () => {
    const out = redact({ user: 'ann', password: 'p', api_token: 't', nested: [{ privateKeyPem: 'k', ok: 1 }], dbPassword: 'x', custom: 'c' }, ['custom']);
    assert.deepEqual(out, { user: 'ann', password: '[redacted]', api_token: '[redacted]', nested: [{ privateKeyPem: '[redacted]', ok: 1 }], dbPassword: '[redacted]', custom: '[redacted]' });
  });

  it('digest recipients and the portal progress view', () => {
    assert.deepEqual(digestRecipients({ attentionDigestTo: 'ops@example.test, bad, noc@example.test' }), ['ops@example.test', 'noc@example.test']);
    assert.deepEqual(digestRecipients({}), []);
    assert.equal(progressView({ step: 3, of: 6, label: 'Creating your account' }, null).message, 'Setting up your hosting: step 3 of 6');
    const failed = progressView({ step: 3, failed: true }, null);
    assert.equal(failed.state, 'needs_staff');
    assert.match(failed.message, /staff/);
    assert.equal(progressView(null, 'active').state, 'ready');
  });
});
