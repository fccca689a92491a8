import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { ProvisioningCall, ServerCall } from '@mpanel/sdk';
import { createAgentModule } from '../src/module.ts';
import { sshTransport } from '../src/ssh-transport.ts';
import type { OpTransport } from '../src/job-channel.ts';

/** In wt-agent's test port range (31000-31999). */
const SSH_PORT = 31022;
const AGENT_BIN = fileURLToPath(new URL('../../../agent/bin/mpanel-agent.js', import.meta.url));

const waitForPort = async (port: number, ms = 10_000) => {
  const end = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * The SSH transport (HOSTING.md §7.5, option b) against a private sshd on 127.0.0.1: the module
 * runs `mpanel-agent exec <op>` there with the params on stdin and reads the OpResult back. The
 * ops used are read-only on this machine (facts, observing an account that does not exist).
 * Needs openssh-server (.ci/services/hosting.sh installs it): a missing sshd fails the suite.
 */
describe('provisioning-agent: ops over SSH (private sshd)', function () {
  this.timeout(60_000);
  let lab: string;
  let sshd: ChildProcess;
  let clientKey: string;
  let hostKeySha256: string;
  const module = createAgentModule({ transportFor: () => sshTransport({ timeoutMs: 30_000 }) as OpTransport });

  const call = (credentials: Record<string, string>, username = 'mptnobody1'): ProvisioningCall => ({
    tenantId: randomUUID(), settings: {},
    server: { id: randomUUID(), hostname: 'localhost', ipAddress: '127.0.0.1', credentials },
    account: { serviceId: randomUUID(), clientId: randomUUID(), username, packageConfig: {} },
    operation: { id: randomUUID(), action: 'reconcile', attempt: 1, idempotencyKey: randomUUID(), deadline: new Date(Date.now() + 60_000), step: () => undefined },
  });
  const creds = (extra: Record<string, string> = {}) => ({
    sshPrivateKey: clientKey, sshPort: String(SSH_PORT), sshUser: 'root', sshHostKeySha256: hostKeySha256,
    agentCommand: `${process.execPath} ${AGENT_BIN} --state-dir ${join(lab, 'state')}`, ...extra,
  });

  before(async () => {
    lab = mkdtempSync('/tmp/mpa-ssh-');
    mkdirSync(join(lab, 'keys'));
    mkdirSync(join(lab, 'state'));
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(lab, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(lab, 'client_key')]);
    clientKey = readFileSync(join(lab, 'client_key'), 'utf8');
    writeFileSync(join(lab, 'keys', 'root'), readFileSync(join(lab, 'client_key.pub')));
    chmodSync(join(lab, 'keys', 'root'), 0o600);
    hostKeySha256 = /SHA256:(\S+)/.exec(execFileSync('ssh-keygen', ['-lf', join(lab, 'host_key.pub')], { encoding: 'utf8' }))![1]!;
    writeFileSync(join(lab, 'sshd_config'), [
      'ListenAddress 127.0.0.1', `Port ${SSH_PORT}`, `HostKey ${join(lab, 'host_key')}`, `PidFile ${join(lab, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(lab, 'keys')}/%u`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', '',
    ].join('\n'));
    execFileSync('/usr/sbin/sshd', ['-t', '-f', join(lab, 'sshd_config')]);
    sshd = spawn('/usr/sbin/sshd', ['-D', '-f', join(lab, 'sshd_config'), '-E', join(lab, 'sshd.log')], { stdio: 'ignore' });
    await waitForPort(SSH_PORT);
  });
  after(async () => {
    if (sshd?.pid) {
      sshd.kill('SIGTERM');
      await new Promise((r) => sshd.once('exit', r));
    }
    if (lab) rmSync(lab, { recursive: true, force: true });
  });

  it('testConnection runs server.facts on the server and returns its facts', async () => {
    const res = await module.testConnection(call(creds()) as ServerCall);
    assert.equal(res.ok, true, res.message);
    assert.equal(typeof res.facts?.os, 'string');
    assert.ok(Array.isArray(res.facts?.ips));
  });

  it('observe of an account the server does not have answers exists: false', async () => {
    assert.deepEqual((await module.observe(call(creds()))).exists, false);
  });

  it('the remote side keeps its allow-list: an unknown op is UNSUPPORTED', async () => {
    const transport = sshTransport({ timeoutMs: 30_000 });
    const result = await transport(call(creds()), 'shell.exec', { cmd: 'id' });
    assert.equal(result.ok, false);
    assert.equal(result.code, 'UNSUPPORTED');
  });

  it('a key the server refuses is AUTH; a wrong host key or a closed port is not ok', async () => {
    const otherKey = join(lab, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    await assert.rejects(module.observe(call(creds({ sshPrivateKey: readFileSync(otherKey, 'utf8') }))), (err: { code?: string; retryable?: boolean }) => err.code === 'AUTH' && err.retryable === false);
    const spoofed = await module.testConnection(call(creds({ sshHostKeySha256: 'AAAA' })) as ServerCall);
    assert.equal(spoofed.ok, false);
    await assert.rejects(module.observe(call(creds({ sshPort: '31023' }))), (err: { code?: string; retryable?: boolean }) => err.code === 'UNREACHABLE' && err.retryable === true);
  });
});
