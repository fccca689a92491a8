import { ConflictError, definePlugin, extensionPoints, FinalError, NeedsAttention, ok, step, type MailMessage } from '@mpanel/sdk';

/** What the probe's steps did, in order: `<workflow>/<step>[/undo]:<idempotency key>`. */
export const effects: string[] = [];
/** Times of each try of `flaky`, for the backoff check. */
export const flakyTries: number[] = [];
/** Mails the relay "sent". */
export const mails: Array<{ tenantId: string; message: MailMessage }> = [];

let releaseGate: () => void = () => undefined;
let gate = new Promise<void>((r) => (releaseGate = r));
/** Lets the `hold` step of `gated` finish. */
export function openGate(): void {
  releaseGate();
  gate = new Promise<void>((r) => (releaseGate = r));
}

const attentionTries = new Map<string, number>();
const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
});
const fast = { attempts: 1, backoffMs: 10, maxBackoffMs: 20 };

/** A plugin whose workflows exercise the runtime, and a route that starts them in a request. */
export const wfProbe = definePlugin({
  manifest: {
    id: 'wf-probe', name: 'Workflow probe', version: '1.0.0', engines: { mpanel: '>=0.1.0' },
    permissions: [{ name: 'wf-probe.start', description: 'Start probe workflows', defaultRoles: ['admin'] }],
  },
  register(ctx) {
    const record = (wf: string) => (s: { step: string; idempotencyKey: string }) => void effects.push(`${wf}/${s.step}:${s.idempotencyKey}`);
    const undo = (wf: string) => (s: { step: string; idempotencyKey: string }) => void effects.push(`${wf}/${s.step}/undo:${s.idempotencyKey}`);
    ctx.workflows.define({
      name: 'three',
      retry: fast,
      steps: [
        step('create-account', { run: (s) => (record('three')(s), { accountId: `acc-${(s.input as { n: number }).n}`, password: 'hunter2-secret' }) }),
        step('point-dns', { run: (s) => (record('three')(s), { zone: (s.results['create-account'] as { accountId: string }).accountId }), secret: ['zone'] }),
        step('notify', { run: (s) => void record('three')(s) }),
      ],
    });
    ctx.workflows.define({
      name: 'flaky',
      steps: [step('call', {
        retry: { attempts: 4, backoffMs: 40, maxBackoffMs: 1000 },
        run: () => {
          flakyTries.push(Date.now());
          if (flakyTries.length < 3) throw new Error(`provider busy (try ${flakyTries.length})`);
          return { ok: true };
        },
      })],
    });
    ctx.workflows.define({
      name: 'undo',
      retry: fast,
      steps: [
        step('one', { run: record('undo'), compensate: undo('undo') }),
        step('two', { run: record('undo') }),
        step('three', { run: record('undo'), compensate: undo('undo') }),
        step('four', { run: () => { throw new FinalError('plan does not exist'); }, compensate: undo('undo') }),
      ],
    });
    ctx.workflows.define({
      name: 'slow',
      steps: [step('wait', { timeoutMs: 50, retry: fast, run: (s) => sleep(5_000, s.signal) })],
    });
    ctx.workflows.define({
      name: 'attention',
      steps: [step('reserve', {
        run: (s) => {
          const n = (attentionTries.get(s.runId) ?? 0) + 1;
          attentionTries.set(s.runId, n);
          if (n === 1) throw new NeedsAttention('registrar wants a manual check');
          record('attention')(s);
        },
      })],
    });
    ctx.workflows.define({
      name: 'gated',
      retry: fast,
      steps: [
        step('hold', { run: async (s) => { record('gated')(s); await gate; } }),
        step('after', { run: record('gated') }),
      ],
    });
    ctx.workflows.define({
      name: 'cancellable',
      retry: fast,
      compensateOnCancel: true,
      steps: [
        step('reserve', { run: record('cancellable'), compensate: undo('cancellable') }),
        step('hold', { run: async (s) => { record('cancellable')(s); await new Promise((_, reject) => s.signal.addEventListener('abort', () => reject(s.signal.reason))); } }),
      ],
    });
    ctx.routes.add({
      method: 'POST', path: '/api/v1/wf-probe/runs', permission: 'wf-probe.start',
      schema: { body: { type: 'object', required: ['workflow'], properties: { workflow: { type: 'string' }, input: {}, subject: { type: 'string' }, supersede: { type: 'boolean' }, fail: { type: 'boolean' } } } },
      handler: async (c) => {
        const b = c.input.body as { workflow: string; input?: unknown; subject?: string; supersede?: boolean; fail?: boolean };
        const id = await ctx.workflows.start(b.workflow, b.input ?? {}, { subject: b.subject, supersede: b.supersede });
        if (b.fail) throw new ConflictError('rolled back after starting');
        return ok({ id });
      },
    });
    ctx.extensions.provide(extensionPoints.mail, 'wf-capture', {
      displayName: 'Captured mail',
      async send(call, message) {
        mails.push({ tenantId: call.tenantId, message });
        return { messageId: `m-${mails.length}`, accepted: message.to.map((a) => a.email), rejected: [] };
      },
      async testConnection() {
        return { ok: true };
      },
    });
  },
});
