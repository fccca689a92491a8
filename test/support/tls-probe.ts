import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';

/**
 * What a TLS port presents, asked with `openssl s_client` (as a mail client would: STARTTLS for
 * SMTP, implicit TLS for IMAPS/POP3S): the leaf's serial (null when no TLS was offered) and
 * openssl's verify result against `caFile`, with the host name checked (`0` = ok).
 */
export function servedCertificate(opts: { port: number; servername: string; caFile: string; starttls?: 'smtp' | 'imap' | 'pop3' }): { serial: string | null; fingerprint256: string | null; verify: string | null; output: string } {
  const args = ['s_client', '-connect', `127.0.0.1:${opts.port}`, '-servername', opts.servername, '-verify_hostname', opts.servername, '-CAfile', opts.caFile,
    ...(opts.starttls ? ['-starttls', opts.starttls] : [])];
  const r = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 20_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
  const leaf = pem ? new X509Certificate(pem) : null;
  return { serial: leaf?.serialNumber ?? null, fingerprint256: leaf?.fingerprint256 ?? null, verify: /Verify return code: (\d+)/.exec(r.stdout)?.[1] ?? null, output };
}
