import assert from 'node:assert/strict';
import {
  AGENT_OPS, RequestReplayGuard, buildEnvelope, buildRequestAuth, canonicalJson, generateAgentKeyPair, isAgentPublicKey,
  parseRequestAuth, publicKeyOf, signEnvelope, verifyEnvelope, verifyRequestAuth, type SignedJob,
} from '@mpanel/sdk/agent-protocol';

const panel = generateAgentKeyPair();
const agent = generateAgentKeyPair();
const SERVER = '11111111-1111-4111-8111-111111111111';
const TENANT = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-12-07T10:00:00Z');
const verifyOpts = { panelPublicKey: panel.publicKey, serverId: SERVER, tenantId: TENANT, allowedOps: AGENT_OPS, now };

function job(overrides: Partial<Parameters<typeof buildEnvelope>[0]> = {}, key = panel.privateKeyPem): SignedJob {
  const envelope = buildEnvelope({ jobId: 'job-1', serverId: SERVER, tenantId: TENANT, op: 'account.ensure', params: { username: 'mpt1', state: 'active' }, issuedAt: now, ttlMs: 60_000, ...overrides });
  return signEnvelope(envelope, key);
}

describe('agent protocol', () => {
  describe('canonicalJson', () => {
    it('sorts keys at every level and drops undefined members', () => {
      assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    });
    it('is the same for the same value whatever the key order', () => {
      assert.equal(canonicalJson({ x: 1, y: { a: 1, b: 2 } }), canonicalJson(JSON.parse('{"y":{"b":2,"a":1},"x":1}')));
    });
    it('refuses what JSON cannot carry faithfully', () => {
      assert.throws(() => canonicalJson({ n: Number.NaN }), /non-finite/);
      assert.throws(() => canonicalJson({ f: () => 1 }), /cannot encode/);
      assert.throws(() => canonicalJson({ n: 10n }), /cannot encode/);
    });
  });

  describe('keys', () => {
    it('makes raw base64url Ed25519 public keys that match their private key', () => {
      assert.ok(isAgentPublicKey(agent.publicKey));
      assert.equal(publicKeyOf(agent.privateKeyPem), agent.publicKey);
      assert.ok(!isAgentPublicKey('short'));
      assert.ok(!isAgentPublicKey(`${agent.publicKey}A`));
    });
  });

  describe('envelopes', () => {
    it('accepts a job signed by the pinned panel key for this server and tenant', () => {
      const verdict = verifyEnvelope(job(), verifyOpts);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.ok && verdict.envelope.op, 'account.ensure');
    });

    it('survives a JSON round trip with keys reordered (jsonb storage)', () => {
      const signed = job({ params: { b: 1, a: [1, 2] } });
      const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, envelope: Object.fromEntries(Object.entries(signed.envelope).reverse()) }));
      assert.equal(verifyEnvelope(reordered, verifyOpts).ok, true);
    });

    it('refuses a job signed by another key (forged)', () => {
      const forged = job({}, generateAgentKeyPair().privateKeyPem);
      assert.deepEqual(pick(verifyEnvelope(forged, verifyOpts)), { ok: false, reason: 'signature', jobId: 'job-1' });
    });

    it('refuses a signed job whose params were changed afterwards', () => {
      const signed = job();
      (signed.envelope.params as Record<string, unknown>).username = 'root';
      assert.equal(pick(verifyEnvelope(signed, verifyOpts)).reason, 'signature');
    });

    it('refuses a job whose expiry was pushed back without re-signing', () => {
      const signed = job({ ttlMs: 1000 });
      signed.envelope.expiresAt = '2099-01-01T00:00:00.000Z';
      assert.equal(pick(verifyEnvelope(signed, verifyOpts)).reason, 'signature');
    });

    it('refuses an expired job even when properly signed', () => {
      assert.equal(pick(verifyEnvelope(job({ ttlMs: 1000 }), { ...verifyOpts, now: new Date(now.getTime() + 1000) })).reason, 'expired');
    });

    it('refuses a job for another server or another tenant', () => {
      assert.equal(pick(verifyEnvelope(job({ serverId: '33333333-3333-4333-8333-333333333333' }), verifyOpts)).reason, 'server');
      assert.equal(pick(verifyEnvelope(job({ tenantId: '33333333-3333-4333-8333-333333333333' }), verifyOpts)).reason, 'tenant');
    });

    it('refuses an op outside the allow-list (no shell)', () => {
      assert.equal(pick(verifyEnvelope(job({ op: 'shell.exec' }), verifyOpts)).reason, 'op');
    });

    it('refuses malformed jobs without throwing', () => {
      for (const bad of [null, 'x', {}, { envelope: {}, signature: 1 }, { envelope: [], signature: 'x' }, { envelope: { n: Number.NaN }, signature: 'x' }]) {
        assert.equal(verifyEnvelope(bad, verifyOpts).ok, false);
      }
    });
  });

  describe('request auth', () => {
    const body = JSON.stringify({ jobs: 1 });
    const request = { method: 'POST', path: '/api/agent/v1/poll', body };
    const header = () => buildRequestAuth({ serverId: SERVER, tenantId: TENANT, privateKeyPem: agent.privateKeyPem, ...request, now });

    it('round-trips through the header', () => {
      const auth = parseRequestAuth(header())!;
      assert.equal(auth.serverId, SERVER);
      assert.equal(auth.tenantId, TENANT);
      assert.deepEqual(verifyRequestAuth(auth, request, agent.publicKey, { now }), { ok: true });
    });

    it('accepts ±300 s of clock skew and no more', () => {
      const auth = parseRequestAuth(header())!;
      assert.equal(verifyRequestAuth(auth, request, agent.publicKey, { now: new Date(now.getTime() + 300_000) }).ok, true);
      assert.deepEqual(verifyRequestAuth(auth, request, agent.publicKey, { now: new Date(now.getTime() + 301_000) }), { ok: false, reason: 'skew' });
      assert.deepEqual(verifyRequestAuth(auth, request, agent.publicKey, { now: new Date(now.getTime() - 301_000) }), { ok: false, reason: 'skew' });
    });

    it('binds method, path and body', () => {
      const auth = parseRequestAuth(header())!;
      assert.equal(verifyRequestAuth(auth, { ...request, body: '{"jobs":2}' }, agent.publicKey, { now }).ok, false);
      assert.equal(verifyRequestAuth(auth, { ...request, path: '/api/agent/v1/jobs/x/result' }, agent.publicKey, { now }).ok, false);
      assert.equal(verifyRequestAuth(auth, { ...request, method: 'GET' }, agent.publicKey, { now }).ok, false);
    });

    it('refuses another key and a replayed request', () => {
      const auth = parseRequestAuth(header())!;
      assert.deepEqual(verifyRequestAuth(auth, request, generateAgentKeyPair().publicKey, { now }), { ok: false, reason: 'signature' });
      const replay = new RequestReplayGuard();
      assert.equal(verifyRequestAuth(auth, request, agent.publicKey, { now, replay }).ok, true);
      assert.deepEqual(verifyRequestAuth(auth, request, agent.publicKey, { now, replay }), { ok: false, reason: 'replayed' });
    });

    it('parses nothing out of garbage', () => {
      for (const h of [undefined, '', 'id=x', 'id=x,tenant=y,t=abc,sig=z', 'x'.repeat(600), 'garbage']) assert.equal(parseRequestAuth(h), undefined);
    });
  });
});

function pick(v: ReturnType<typeof verifyEnvelope>): { ok: boolean; reason?: string; jobId?: string } {
  return v.ok ? { ok: true } : { ok: false, reason: v.reason, ...(v.jobId ? { jobId: v.jobId } : {}) };
}
