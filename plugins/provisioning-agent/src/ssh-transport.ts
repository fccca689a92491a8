import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import { ProvisioningError, type ServerCall } from '@mpanel/sdk';
import type { OpResult, OpTransport } from './job-channel.ts';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** SHA-256 of the server's host key, base64 (as `ssh-keygen -lf` prints after `SHA256:`); checked when set. */
  hostKeySha256?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** One command over SSH with `stdin` fed to it; `sent` tells whether the command reached the server. */
export function sshExec(target: SshTarget, command: string, stdin: string, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let sent = false;
    let settled = false;
    const finish = (err: Error | undefined, value?: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      if (err) reject(Object.assign(err, { sent }));
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return finish(err);
        sent = true;
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('close', (code: number | null) => finish(undefined, { stdout, stderr, code }));
        stream.end(stdin);
      });
    });
    conn.on('error', (err) => finish(err));
    conn.connect({
      host: target.host, port: target.port, username: target.username, privateKey: target.privateKey, readyTimeout: Math.min(timeoutMs, 20_000),
      ...(target.hostKeySha256 ? { hostVerifier: (key: Buffer) => createHash('sha256').update(key).digest('base64').replace(/=+$/, '') === target.hostKeySha256!.replace(/^SHA256:/, '').replace(/=+$/, '') } : {}),
    });
  });
}

/** The SSH target of an agentless server, from its sealed credentials; undefined when it has none. */
export function sshTargetOf(call: ServerCall): SshTarget | undefined {
  const c = call.server.credentials ?? {};
  if (!c.sshPrivateKey) return undefined;
  return {
    host: call.server.ipAddress ?? call.server.hostname,
    port: Number(c.sshPort ?? 22),
    username: c.sshUser ?? 'root',
    privateKey: c.sshPrivateKey,
    ...(c.sshHostKeySha256 ? { hostKeySha256: c.sshHostKeySha256 } : {}),
  };
}

/**
 * The one-shot transport (option b): `mpanel-agent exec <op>` over SSH with the params on stdin
 * and the OpResult on stdout. Used for agentless servers and for installing the agent. The SSH
 * login is the authentication, so the envelope is not needed; the allow-list still applies there.
 */
export function sshTransport(options: { timeoutMs: number; command?: (call: ServerCall) => string } = { timeoutMs: 60_000 }): OpTransport {
  return async (call, op, params) => {
    const target = sshTargetOf(call);
    if (!target) throw new ProvisioningError(`Server ${call.server.hostname} has no SSH credentials`, 'AUTH');
    const base = options.command?.(call) ?? call.server.credentials.agentCommand ?? 'mpanel-agent';
    let out: ExecResult;
    try {
      out = await sshExec(target, `${base} exec ${op}`, JSON.stringify(params ?? {}), options.timeoutMs);
    } catch (err) {
      const e = err as Error & { sent?: boolean; level?: string };
      if (e.level === 'client-authentication') throw new ProvisioningError(`SSH login to ${target.host} as ${target.username} was refused: check the server's key`, 'AUTH');
      if (e.sent) throw new ProvisioningError(`${op} over SSH on ${target.host} did not finish: ${e.message}`, 'TIMEOUT', { ambiguous: true });
      throw new ProvisioningError(`Cannot reach ${target.host}:${target.port} over SSH: ${e.message}`, 'UNREACHABLE');
    }
    const last = out.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as OpResult;
    } catch {
      throw new ProvisioningError(`mpanel-agent on ${target.host} answered without a result (exit ${out.code}): ${out.stderr.slice(0, 300) || last.slice(0, 300)}`, 'REMOTE_ERROR', { detail: { code: out.code } });
    }
  };
}
