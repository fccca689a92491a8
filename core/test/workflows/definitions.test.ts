import assert from 'node:assert/strict';
import { FinalError, NeedsAttention, step } from '@mpanel/sdk';
import { WorkflowRegistry } from '../../src/workflows/definitions.ts';
import { retryDelay, verdict } from '../../src/workflows/retry-policy.ts';
import { summarize } from '../../src/workflows/redact.ts';

describe('workflow definitions, retry policy and summaries', () => {
  const policy = { attempts: 3, backoffMs: 100, maxBackoffMs: 250 };

  it('refuses bad definitions when they are declared', () => {
    const reg = new WorkflowRegistry();
    const run = () => undefined;
    assert.throws(() => reg.define('p', { name: 'Bad Name', steps: [step('a', { run })] }), /kebab case/);
    assert.throws(() => reg.define('p', { name: 'empty', steps: [] }), /at least one step/);
    assert.throws(() => reg.define('p', { name: 'twice', steps: [step('a', { run }), step('a', { run })] }), /appears twice/);
    assert.throws(() => reg.define('p', { name: 'retry', steps: [step('a', { run, retry: { attempts: 0 } })] }), /attempts/);
    assert.throws(() => reg.define('p', { name: 'timeout', steps: [step('a', { run, timeoutMs: -1 })] }), /timeoutMs/);
    reg.define('p', { name: 'ok', steps: [step('a', { run })] });
    assert.throws(() => reg.define('p', { name: 'ok', steps: [step('a', { run })] }), /already defined/);
    assert.equal(reg.get('p.ok')?.attentionPermission, 'workflows.manage');
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(retryDelay(policy, 1, () => 0), 50);
    assert.equal(retryDelay(policy, 1, () => 1), 100);
    assert.equal(retryDelay(policy, 2, () => 1), 200);
    assert.equal(retryDelay(policy, 10, () => 1), 250);
  });

  it('retries ordinary errors, fails FinalError at once, stops NeedsAttention for a person', () => {
    assert.equal(verdict(new Error('busy'), 1, policy, 'fail').kind, 'retry');
    assert.equal(verdict(new Error('busy'), 3, policy, 'fail').kind, 'fail');
    assert.equal(verdict(new Error('busy'), 3, policy, 'needs_attention').kind, 'attention');
    assert.equal(verdict(new FinalError('no such plan'), 1, policy, 'fail').kind, 'fail');
    assert.equal(verdict(Object.assign(new Error('bad request'), { retryable: false }), 1, policy, 'fail').kind, 'fail');
    assert.equal(verdict(new NeedsAttention('look'), 1, policy, 'fail').kind, 'attention');
  });

  it('waits exactly retryAfterMs when the error says so (a provider\'s Retry-After, a plugin\'s own schedule)', () => {
    assert.deepEqual(verdict(Object.assign(new Error('rate limited'), { retryAfterMs: 120_000 }), 1, policy, 'fail'), { kind: 'retry', delayMs: 120_000 });
    assert.deepEqual(verdict(Object.assign(new Error('soon'), { retryAfterMs: 0 }), 2, policy, 'fail'), { kind: 'retry', delayMs: 0 });
    const ignored = verdict(Object.assign(new Error('odd'), { retryAfterMs: -5 }), 1, policy, 'fail');
    assert.ok(ignored.kind === 'retry' && ignored.delayMs <= 100, 'a negative wait falls back to the policy');
    assert.equal(verdict(Object.assign(new Error('last'), { retryAfterMs: 10 }), 3, policy, 'fail').kind, 'fail', 'it does not add tries');
  });

  it('redacts secret-looking keys and the keys a step marks secret, at any depth', () => {
    const out = summarize({ user: 'ada', password: 'x', nested: { api_key: 'k', privateKey: 'p', refreshToken: 't', list: [{ secret: 's', ok: 1 }] }, dbName: 'd' }, ['dbName']);
    assert.deepEqual(out, { user: 'ada', password: '[redacted]', nested: { api_key: '[redacted]', privateKey: '[redacted]', refreshToken: '[redacted]', list: [{ secret: '[redacted]', ok: 1 }] }, dbName: '[redacted]' });
    assert.deepEqual(summarize('x'.repeat(10_000)), { truncated: true, chars: 10_002 });
  });
});
