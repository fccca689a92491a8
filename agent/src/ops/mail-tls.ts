import { X509Certificate, createPrivateKey } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { AgentEnv, Op, OpContext } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { run } from './exec.ts';
import { applyAndReload, applyConfig, type FileChange } from './config-txn.ts';
import { ensureDir, readIfExists } from './files.ts';
import { withLock } from './lock.ts';
import { stateDir } from './state.ts';
import { lockKey, mailEnv, runPostfix, serialKey, validateConfig } from './mail.ts';

/**
 * The server's own certificate for its mail services (issue 18 item 4): the host name mail clients
 * and MX point at. The pair is checked here first (postfix check and doveconf -n do not open
 * certificate files, so a mismatched pair would only show at the first handshake), written
 * root-owned 0600, Postfix's main.cf and a Dovecot include are pointed at it, the whole config is
 * validated and both services reload; any failure puts every file back. Same pair again: nothing
 * is written and nothing reloads.
 */

export interface ServerPair { names: string[]; serial: string; notAfter: string; fingerprint256: string }

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

function refuse(message: string): never {
  throw new OpError('INVALID_INPUT', message);
}

/** Refuses a pair that would not serve `names` now: key not the leaf's, a name not covered, expired or not yet valid, chain out of order. */
export function checkServerPair(namesIn: unknown, certPemIn: unknown, keyPemIn: unknown, now = new Date()): ServerPair & { certPem: string; keyPem: string } {
  if (!Array.isArray(namesIn) || namesIn.length < 1 || namesIn.length > 20) refuse('names: 1 to 20 host names');
  const names = namesIn.map((n) => {
    if (typeof n !== 'string' || n !== n.toLowerCase() || n.startsWith('*.')) refuse(`Invalid host name ${JSON.stringify(n)?.slice(0, 80)} (lower case, no wildcard)`);
    return v.domain(n);
  });
  const certPem = v.pem(certPemIn, 'certificate');
  const keyPem = v.pem(keyPemIn, 'private key');
  const blocks = certPem.match(CERT_BLOCK) ?? [];
  let chain: X509Certificate[];
  let key: ReturnType<typeof createPrivateKey>;
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (e) {
    refuse(`The certificate cannot be read: ${(e as Error).message}`);
  }
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    refuse(`The private key cannot be read: ${(e as Error).message}`);
  }
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(key)) refuse('The private key does not belong to the certificate (refused; the certificate served now stays)');
  for (const n of names) if (!leaf.checkHost(n, { wildcards: true })) refuse(`The certificate does not cover ${n} (it is for ${leaf.subjectAltName ?? leaf.subject})`);
  if (Date.parse(leaf.validTo) <= now.getTime()) refuse(`The certificate expired on ${new Date(leaf.validTo).toISOString()}`);
  if (Date.parse(leaf.validFrom) > now.getTime() + 5 * 60_000) refuse(`The certificate is not valid before ${new Date(leaf.validFrom).toISOString()}`);
  for (let i = 1; i < chain.length; i++) if (!chain[i - 1]!.checkIssued(chain[i]!)) refuse(`Certificate ${i + 1} of the chain did not issue certificate ${i} (leaf first, then its issuers)`);
  return { names, certPem, keyPem, serial: leaf.serialNumber, notAfter: new Date(leaf.validTo).toISOString(), fingerprint256: leaf.fingerprint256 };
}

/**
 * main.cf with `settings` set: an existing `name = value` line (and its indented continuation
 * lines) is replaced in place, a missing one appended; everything else is left as it was.
 */
export function setMainCf(text: string, settings: Record<string, string>): string {
  const lines = text.split('\n');
  const todo = new Map(Object.entries(settings));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([a-z0-9_]+)\s*=/.exec(lines[i]!);
    if (m && todo.has(m[1]!)) {
      out.push(`${m[1]} = ${todo.get(m[1]!)}`);
      todo.delete(m[1]!);
      while (i + 1 < lines.length && /^[ \t]+\S/.test(lines[i + 1]!)) i++;
    } else {
      out.push(lines[i]!);
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  for (const [k, value] of todo) out.push(`${k} = ${value}`);
  return `${out.join('\n')}\n`;
}

const INCLUDE_NAME = 'mpanel-tls.conf';

function paths(env: AgentEnv) {
  const m = mailEnv(env);
  const dir = m.tls?.dir ?? join(stateDir(env), 'mail', 'tls');
  const include = m.tls?.dovecotInclude ?? join(dirname(m.dovecotConf), INCLUDE_NAME);
  return { m, dir, cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), mainCf: join(m.postfixConfDir, 'main.cf'), include };
}

/** The file changes that make Postfix and Dovecot serve the pair in `dir`. */
export async function tlsChanges(env: AgentEnv, certPem: string, keyPem: string): Promise<FileChange[]> {
  const p = paths(env);
  const mainCf = (await readIfExists(p.mainCf)) ?? '';
  const dovecotConf = (await readIfExists(p.m.dovecotConf)) ?? '';
  // Dovecot reads the include last: its `ssl = yes` overrides the `ssl = no` a fresh install may have.
  const includeLine = `!include_try ${p.include}`;
  const changes: FileChange[] = [
    { path: p.key, content: keyPem, mode: 0o600 },
    { path: p.cert, content: certPem, mode: 0o600 },
    {
      path: p.mainCf,
      content: setMainCf(mainCf, { smtpd_tls_cert_file: p.cert, smtpd_tls_key_file: p.key, smtpd_tls_security_level: 'may', smtpd_tls_loglevel: '1' }),
    },
    { path: p.include, content: `# managed by mpanel-agent: the server's certificate (mail.tls.install)\nssl = yes\nssl_cert = <${p.cert}\nssl_key = <${p.key}\n` },
  ];
  if (!dovecotConf.split('\n').includes(includeLine)) changes.push({ path: p.m.dovecotConf, content: `${dovecotConf.replace(/\n*$/, '\n')}${includeLine}\n` });
  return changes;
}

async function reloadBoth(env: AgentEnv): Promise<void> {
  const { m } = paths(env);
  const pf = await runPostfix(m.postfixBin, ['-c', m.postfixConfDir, 'reload']);
  if (pf.code !== 0) throw new OpError('REMOTE_UNAVAILABLE', `postfix reload failed (is Postfix running?): ${(pf.stderr + pf.stdout).trim().slice(0, 1000)}`);
  const dc = await run(m.tls?.doveadmBin ?? '/usr/bin/doveadm', ['-c', m.dovecotConf, 'reload']);
  if (dc.code !== 0) throw new OpError('REMOTE_UNAVAILABLE', `doveadm reload failed (is Dovecot running?): ${(dc.stderr + dc.stdout).trim().slice(0, 1000)}`);
}

async function install(ctx: OpContext, params: { names?: unknown; certPem?: unknown; keyPem?: unknown }): Promise<unknown> {
  const { env } = ctx;
  mailEnv(env);
  const pair = await ctx.step('check the pair', async () => checkServerPair(params.names, params.certPem, params.keyPem, env.now()));
  const p = paths(env);
  await ensureDir(p.dir, 0o700);
  const changes = await tlsChanges(env, pair.certPem, pair.keyPem);
  const changed = await withLock(lockKey(env), () => ctx.step('postfix and dovecot tls', () =>
    applyAndReload(() => applyConfig(`${lockKey(env)}:files`, changes, () => validateConfig(env)), () => reloadBoth(env))));
  return { kind: 'serverCertificate', changed, names: pair.names, serial: pair.serial, notAfter: pair.notAfter, fingerprint256: pair.fingerprint256 };
}

const mailTlsInstall: Op<{ names?: unknown; certPem?: unknown; keyPem?: unknown }> = {
  name: 'mail.tls.install',
  // One at a time with the other mail ops (the config is server-wide).
  run: (ctx, params) => withLock(serialKey(ctx.env), () => install(ctx, params)),
};

export const mailTlsOps = [mailTlsInstall];
