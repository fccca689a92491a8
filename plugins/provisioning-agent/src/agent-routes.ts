import { createHash } from 'node:crypto';
import { HttpError, NotFoundError, ok, type JsonSchema, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { isAgentPublicKey, type EnrollRequest } from '@mpanel/sdk/agent-protocol';
import { agentAuthenticator, isUuid } from './agent-auth.ts';
import { panelKey, type AgentSettings } from './panel-key.ts';
import { claimJobs, consumeEnrollmentToken, finishJob, touchServer } from './store.ts';
import { jobKey, serverKey, type Wakeups } from './wake.ts';
import { parseEnrollmentToken } from './enrollment-token.ts';

export const POLL_PATH = '/api/agent/v1/poll';
/** Without a wake-up from this process, a long poll looks at the table this often (jobs queued by another instance). */
export const POLL_CHECK_MS = 2000;

export interface AgentRouteOptions {
  wakeups: Wakeups;
  /** How long a poll is held open when there is nothing to do (≤ 25 s; tests shorten it). */
  pollWindowMs: () => number;
  /** Aborted at shutdown: held polls answer at once instead of delaying it. */
  shutdown: AbortSignal;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export { hashToken };

const opResultSchema: JsonSchema = {
  type: 'object',
  required: ['ok', 'steps'],
  properties: {
    ok: { type: 'boolean' },
    code: { type: 'string', maxLength: 40 },
    retryable: { type: 'boolean' },
    message: { type: 'string', maxLength: 4000 },
    steps: { type: 'array', maxItems: 200, items: { type: 'object', required: ['name', 'ok'], properties: { name: { type: 'string', maxLength: 200 }, ok: { type: 'boolean' }, ms: { type: 'number' }, detail: { type: 'string', maxLength: 4000 } } } },
    observed: {},
    nonce: { type: 'string', maxLength: 64 },
  },
};

/** The routes the agent calls (public: they authenticate with the enrollment token or the agent's signature). */
export function agentRoutes(plugin: PluginContext<AgentSettings>, options: AgentRouteOptions): RouteDefinition[] {
  const authenticate = agentAuthenticator(plugin.db);
  const generations = new Map<string, number>();
  const common = { method: 'POST' as const, public: true, scope: 'webhook' as const, transaction: false, tags: ['hosting'] };
  return [
    {
      ...common,
      path: '/api/agent/v1/enroll',
      rateLimit: 'strict',
      summary: 'An agent enrolls with a one-time token: its public key in, the panel key it pins out',
      schema: {
        body: {
          type: 'object', required: ['token', 'publicKey', 'facts'], additionalProperties: false,
          properties: { token: { type: 'string', maxLength: 300 }, publicKey: { type: 'string', maxLength: 100 }, facts: { type: 'object' } },
        },
      },
      handler: async (ctx: RouteContext<Record<string, string>, Record<string, unknown>, EnrollRequest>) => {
        const { token, publicKey, facts } = ctx.input.body;
        const parsed = parseEnrollmentToken(token);
        if (!isAgentPublicKey(publicKey)) throw new HttpError(400, 'Validation failed', { publicKey: 'must be a raw Ed25519 public key, base64url' });
        const invalid = new HttpError(401, 'Invalid or expired enrollment token');
        if (!parsed) throw invalid;
        const enrolled = await plugin.db.transaction(parsed.tenantId, (trx) => consumeEnrollmentToken(trx, parsed.serverId, hashToken(token), publicKey, factsWithin(facts)));
        if (!enrolled) throw invalid;
        const key = await panelKey(plugin.settings, parsed.tenantId);
        plugin.logger.info({ tenantId: parsed.tenantId, serverId: parsed.serverId }, 'agent enrolled');
        return ok({ serverId: parsed.serverId, tenantId: parsed.tenantId, panelPublicKey: key.publicKey, pollUrl: POLL_PATH });
      },
    },
    {
      ...common,
      path: POLL_PATH,
      rawBody: true,
      summary: "Long poll: the server's signed jobs, held up to 25 s while there are none",
      handler: async (ctx: RouteContext) => {
        const { tenantId, serverId } = await authenticate(ctx, POLL_PATH);
        const deadline = Date.now() + Math.min(options.pollWindowMs(), 25_000);
        // A newer poll of the same server (the agent restarted, or its connection was cut) ends
        // this one without handing it jobs: nobody may be reading its answer any more.
        const generation = (generations.get(serverId) ?? 0) + 1;
        generations.set(serverId, generation);
        options.wakeups.wake(serverKey(serverId));
        const superseded = () => generations.get(serverId) !== generation;
        try {
          await plugin.db.transaction(tenantId, (trx) => touchServer(trx, serverId));
          for (;;) {
            if (superseded()) return ok({ jobs: [] });
            const jobs = await plugin.db.transaction(tenantId, (trx) => claimJobs(trx, serverId));
            const left = deadline - Date.now();
            if (jobs.length > 0 || left <= 0 || options.shutdown.aborted) return ok({ jobs });
            await options.wakeups.wait(serverKey(serverId), Math.min(POLL_CHECK_MS, left), options.shutdown);
          }
        } finally {
          if (!superseded()) generations.delete(serverId);
        }
      },
    },
    {
      ...common,
      path: '/api/agent/v1/jobs/:id/result',
      rawBody: true,
      summary: "The agent's answer to a job (an OpResult); a second answer changes nothing",
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } }, body: opResultSchema },
      handler: async (ctx: RouteContext<{ id: string }, Record<string, unknown>, { ok: boolean }>) => {
        const jobId = ctx.input.params.id;
        const { tenantId, serverId } = await authenticate(ctx, `/api/agent/v1/jobs/${encodeURIComponent(jobId)}/result`);
        if (!isUuid(jobId)) throw new NotFoundError();
        const outcome = await plugin.db.transaction(tenantId, async (trx) => {
          await touchServer(trx, serverId);
          const { nonce: _nonce, ...result } = ctx.input.body as { ok: boolean; nonce?: string };
          return finishJob(trx, serverId, jobId, result);
        });
        if (outcome === 'unknown') throw new NotFoundError();
        options.wakeups.wake(jobKey(jobId));
        return ok({ jobId, stored: outcome === 'stored' });
      },
    },
  ] as RouteDefinition[];
}

/** Facts are shown to staff and kept per server: a bounded JSON object, nothing else. */
function factsWithin(facts: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(facts ?? {});
  if (text.length > 64_000) throw new HttpError(400, 'Validation failed', { facts: 'too large (64 kB at most)' });
  return JSON.parse(text) as Record<string, unknown>;
}
