import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';

/**
 * The mpanel-agent protocol (HOSTING.md §6.3), shared by the panel plugin and the agent daemon:
 * canonical JSON, Ed25519 keys, signed expiring job envelopes and signed agent requests.
 * Only node:crypto: the agent runs as root on hosting servers and carries as little as possible.
 */

export const AGENT_PROTOCOL_VERSION = 1;
/** Agent requests older or newer than this (clock skew) are refused. */
export const AGENT_REQUEST_SKEW_SECONDS = 300;
/** The request header an agent signs its calls with. */
export const AGENT_AUTH_HEADER = 'Mpanel-Agent';

/** Everything the agent may be asked to do: there is no generic shell op on purpose. */
export const AGENT_OPS = [
  'account.ensure', 'account.remove', 'account.observe',
  'site.ensure', 'site.remove',
  'db.ensure', 'db.remove',
  'sftp.ensure', 'sftp.remove',
  'cron.ensure', 'cron.remove',
  'cert.install', 'acme.token.put', 'acme.token.delete',
  'mail.domain.ensure', 'mail.domain.remove', 'mailbox.ensure', 'mailbox.remove', 'mail.alias.ensure', 'mail.alias.remove', 'mail.observe', 'mail.tls.install',
  'observe', 'usage.collect', 'server.facts',
] as const;
export type AgentOpName = (typeof AGENT_OPS)[number];

export interface JobEnvelope<P = unknown> {
  v: 1;
  jobId: string;
  serverId: string;
  tenantId: string;
  op: string;
  params: P;
  /** Version of the desired resource; lets the agent skip a stale ensure. */
  resourceVersion?: number;
  /** ISO 8601. */
  issuedAt: string;
  expiresAt: string;
}

/** A job as the panel hands it out: the envelope and the panel's signature over its canonical JSON. */
export interface SignedJob<P = unknown> {
  envelope: JobEnvelope<P>;
  signature: string;
}

export interface AgentKeyPair {
  /** Raw 32-byte Ed25519 public key, base64url (the JWK `x`). */
  publicKey: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

// ---------------------------------------------------------------- canonical JSON

/**
 * JSON with object keys sorted at every level and no whitespace, so signer and verifier hash the
 * same bytes whatever order a JSON parser or a database's jsonb kept. Non-finite numbers and
 * values JSON cannot carry are refused rather than silently turned into null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

// ---------------------------------------------------------------- keys, sign, verify

export function generateAgentKeyPair(): AgentKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: publicKeyToRaw(publicKey), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function publicKeyToRaw(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x) throw new Error('not an Ed25519 public key');
  return jwk.x;
}

/** The public key of a PKCS#8 private key, base64url raw. */
export function publicKeyOf(privateKeyPem: string): string {
  return publicKeyToRaw(createPublicKey(createPrivateKey(privateKeyPem)));
}

/** True when `key` is a well-formed raw Ed25519 public key (base64url of 32 bytes). */
export function isAgentPublicKey(key: unknown): key is string {
  return typeof key === 'string' && /^[A-Za-z0-9_-]{43}$/.test(key) && Buffer.from(key, 'base64url').length === 32;
}

function publicKeyObject(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

export function signBytes(privateKeyPem: string, data: string | Buffer): string {
  return edSign(null, typeof data === 'string' ? Buffer.from(data) : data, createPrivateKey(privateKeyPem)).toString('base64url');
}

/** Never throws: a malformed key or signature is simply not valid. */
export function verifyBytes(publicKey: string, data: string | Buffer, signature: string): boolean {
  try {
    if (!isAgentPublicKey(publicKey) || typeof signature !== 'string') return false;
    const sig = Buffer.from(signature, 'base64url');
    if (sig.length !== 64) return false;
    return edVerify(null, typeof data === 'string' ? Buffer.from(data) : data, publicKeyObject(publicKey), sig);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- envelopes

export interface BuildEnvelopeInput<P> {
  jobId: string;
  serverId: string;
  tenantId: string;
  op: string;
  params: P;
  resourceVersion?: number;
  /** Default: now. */
  issuedAt?: Date;
  /** How long the job may wait for the agent. */
  ttlMs: number;
}

export function buildEnvelope<P>(input: BuildEnvelopeInput<P>): JobEnvelope<P> {
  const issuedAt = input.issuedAt ?? new Date();
  const envelope: JobEnvelope<P> = {
    v: 1,
    jobId: input.jobId,
    serverId: input.serverId,
    tenantId: input.tenantId,
    op: input.op,
    params: input.params,
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(issuedAt.getTime() + input.ttlMs).toISOString(),
  };
  if (input.resourceVersion !== undefined) envelope.resourceVersion = input.resourceVersion;
  return envelope;
}

export function signEnvelope<P>(envelope: JobEnvelope<P>, panelPrivateKeyPem: string): SignedJob<P> {
  return { envelope, signature: signBytes(panelPrivateKeyPem, canonicalJson(envelope)) };
}

export type EnvelopeRefusal = 'malformed' | 'signature' | 'server' | 'tenant' | 'expired' | 'op';

export interface VerifyEnvelopeOptions {
  /** The panel key pinned at enrollment. */
  panelPublicKey: string;
  serverId: string;
  tenantId: string;
  allowedOps: readonly string[];
  now?: Date;
}

export type EnvelopeVerdict<P> = { ok: true; envelope: JobEnvelope<P> } | { ok: false; reason: EnvelopeRefusal; message: string; jobId?: string };

/**
 * What the agent checks before running anything: the signature first (nothing of an unsigned
 * envelope is trusted, not even its expiry), then that it is addressed to this server and tenant,
 * not expired, and an op of the allow-list.
 */
export function verifyEnvelope<P = unknown>(job: unknown, options: VerifyEnvelopeOptions): EnvelopeVerdict<P> {
  const refuse = (reason: EnvelopeRefusal, message: string, jobId?: string): EnvelopeVerdict<P> => ({ ok: false, reason, message, ...(jobId ? { jobId } : {}) });
  if (!isRecord(job) || !isRecord(job.envelope) || typeof job.signature !== 'string') return refuse('malformed', 'not a signed job');
  const e = job.envelope;
  const jobId = typeof e.jobId === 'string' ? e.jobId : undefined;
  let canonical: string;
  try {
    canonical = canonicalJson(e);
  } catch {
    return refuse('malformed', 'envelope is not canonical JSON', jobId);
  }
  if (!verifyBytes(options.panelPublicKey, canonical, job.signature)) return refuse('signature', 'bad signature: not signed by the pinned panel key', jobId);
  if (e.v !== AGENT_PROTOCOL_VERSION || !jobId || typeof e.op !== 'string' || typeof e.expiresAt !== 'string') return refuse('malformed', 'unknown envelope version or missing fields', jobId);
  if (e.serverId !== options.serverId) return refuse('server', `job for server ${String(e.serverId)}, this is ${options.serverId}`, jobId);
  if (e.tenantId !== options.tenantId) return refuse('tenant', `job for tenant ${String(e.tenantId)}, this agent is enrolled with ${options.tenantId}`, jobId);
  const expires = Date.parse(e.expiresAt);
  if (!Number.isFinite(expires) || expires <= (options.now ?? new Date()).getTime()) return refuse('expired', `job expired at ${e.expiresAt}`, jobId);
  if (!options.allowedOps.includes(e.op)) return refuse('op', `op "${e.op}" is not in the allow-list`, jobId);
  return { ok: true, envelope: e as unknown as JobEnvelope<P> };
}

// ---------------------------------------------------------------- request authentication

export interface AgentRequestAuth {
  serverId: string;
  /** The tenant the agent enrolled with: lets the panel find the server's key under row-level security. */
  tenantId: string;
  /** Unix seconds. */
  t: number;
  sig: string;
}

const sha256Hex = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

/** `t.METHOD.path.sha256(body)`: what an agent request signs (path without the query string). */
export function requestSigningString(t: number, method: string, path: string, body: string | Buffer): string {
  return `${t}.${method.toUpperCase()}.${path}.${sha256Hex(body)}`;
}

export function buildRequestAuth(input: { serverId: string; tenantId: string; privateKeyPem: string; method: string; path: string; body: string | Buffer; now?: Date }): string {
  const t = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const sig = signBytes(input.privateKeyPem, requestSigningString(t, input.method, input.path, input.body));
  return `id=${input.serverId},tenant=${input.tenantId},t=${t},sig=${sig}`;
}

/** The header's fields, or undefined when it is not one. Nothing in it is trusted before verifyRequestAuth. */
export function parseRequestAuth(header: string | undefined): AgentRequestAuth | undefined {
  if (!header || header.length > 512) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) return undefined;
    fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const serverId = fields.get('id');
  const tenantId = fields.get('tenant');
  const t = Number(fields.get('t'));
  const sig = fields.get('sig');
  if (!serverId || !tenantId || !sig || !Number.isInteger(t)) return undefined;
  return { serverId, tenantId, t, sig };
}

export type RequestAuthRefusal = 'malformed' | 'skew' | 'signature' | 'replayed';

/**
 * Remembers signatures seen within the skew window, so a captured request cannot be sent again.
 * One per panel process: a replay to another instance is bounded by the window and by results
 * being idempotent per job id.
 */
export class RequestReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowSeconds = AGENT_REQUEST_SKEW_SECONDS * 2) {}

  /** True the first time a signature is presented. */
  first(sig: string, nowSeconds: number): boolean {
    if (this.seen.size > 10_000) for (const [k, until] of this.seen) if (until < nowSeconds) this.seen.delete(k);
    if (this.seen.has(sig)) return false;
    this.seen.set(sig, nowSeconds + this.windowSeconds);
    return true;
  }
}

export function verifyRequestAuth(
  auth: AgentRequestAuth,
  request: { method: string; path: string; body: string | Buffer },
  agentPublicKey: string,
  options: { now?: Date; skewSeconds?: number; replay?: RequestReplayGuard } = {},
): { ok: true } | { ok: false; reason: RequestAuthRefusal } {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - auth.t) > (options.skewSeconds ?? AGENT_REQUEST_SKEW_SECONDS)) return { ok: false, reason: 'skew' };
  if (!verifyBytes(agentPublicKey, requestSigningString(auth.t, request.method, request.path, request.body), auth.sig)) return { ok: false, reason: 'signature' };
  if (options.replay && !options.replay.first(auth.sig, now)) return { ok: false, reason: 'replayed' };
  return { ok: true };
}

// ---------------------------------------------------------------- wire shapes

export interface EnrollRequest {
  token: string;
  publicKey: string;
  facts: Record<string, unknown>;
}

export interface EnrollResponse {
  serverId: string;
  tenantId: string;
  panelPublicKey: string;
  pollUrl: string;
}

export interface PollResponse {
  jobs: SignedJob[];
}

/** A job the agent refused: reported as its result so the panel does not wait for it. */
export function refusalResult(reason: EnvelopeRefusal, message: string): { ok: false; code: 'AUTH' | 'UNSUPPORTED' | 'INVALID_INPUT'; retryable: false; message: string; steps: [] } {
  const code = reason === 'op' ? 'UNSUPPORTED' : reason === 'malformed' || reason === 'expired' ? 'INVALID_INPUT' : 'AUTH';
  return { ok: false, code, retryable: false, message: `refused (${reason}): ${message}`, steps: [] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
