import { randomBytes } from 'node:crypto';
import { AGENT_AUTH_HEADER, buildRequestAuth, type EnrollRequest, type EnrollResponse, type PollResponse } from '@mpanel/sdk/agent-protocol';
import type { OpResult } from './ops/index.ts';
import type { AgentState } from './state.ts';

export class PanelError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

async function call<T>(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((err: unknown) => {
    throw new PanelError(`panel unreachable: ${(err as Error).message}`);
  });
  const text = await res.text();
  if (!res.ok) throw new PanelError(`panel answered ${res.status}: ${text.slice(0, 300)}`, res.status);
  return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
}

export function enroll(panelUrl: string, request: EnrollRequest): Promise<EnrollResponse> {
  return call<EnrollResponse>(new URL('/api/agent/v1/enroll', panelUrl).toString(), JSON.stringify(request), {}, 30_000);
}

/** The panel as an enrolled agent sees it: every request signed with the agent's key. */
export class PanelClient {
  constructor(private readonly state: AgentState, private readonly privateKeyPem: string) {}

  /** Long poll: the panel holds it up to ~25 s while there is nothing to do. */
  poll(signal?: AbortSignal): Promise<PollResponse> {
    return this.signed<PollResponse>(this.state.pollUrl || '/api/agent/v1/poll', {}, 40_000, signal);
  }

  async result(jobId: string, result: OpResult): Promise<void> {
    await this.signed(`/api/agent/v1/jobs/${encodeURIComponent(jobId)}/result`, result, 30_000);
  }

  private signed<T>(path: string, payload: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const url = new URL(path, this.state.panelUrl);
    // Ed25519 signatures are deterministic: two identical requests in one second would carry the
    // same signature and the second would be refused as a replay. A nonce makes each one unique.
    const body = JSON.stringify({ ...(payload as object), nonce: randomBytes(12).toString('base64url') });
    const auth = buildRequestAuth({
      serverId: this.state.serverId, tenantId: this.state.tenantId, privateKeyPem: this.privateKeyPem,
      method: 'POST', path: url.pathname, body,
    });
    return call<T>(url.toString(), body, { [AGENT_AUTH_HEADER]: auth }, timeoutMs, signal);
  }
}
