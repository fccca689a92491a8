import type { ProvisioningErrorCode } from '@mpanel/sdk';

/** Where the ops act and with which binaries (contract §4). Tests point everything at a private lab dir. */
export interface AgentEnv {
  /** Everything the agent creates lives under these; tests point them at a private lab dir. */
  homeRoot: string; // account homes: <homeRoot>/<username>
  acmeRoot: string; // root-owned http-01 webroots: <acmeRoot>/<site-id>
  nginx: { bin: string; prefix: string; confFile: string; sitesDir: string; listen: string; tlsListen?: string; reload(): Promise<void> | null };
  fpm: { bin: string; confFile: string; poolsDir: string; runDir: string; pidFile: string };
  mariadb: { bin: string; args: string[] }; // e.g. ['--socket=/run/mysqld/mysqld.sock'] or ['-h','127.0.0.1','-P','3306']
  /**
   * Chrooted internal-sftp Match blocks. `configFile`/`pidFile` (optional, additive to the contract) let the
   * ops validate the whole sshd config (`sshd -t`) and reload it (SIGHUP) after a Match block changes.
   */
  sftp?: { sshdConfigDir: string; bin?: string; configFile?: string; pidFile?: string };
  /**
   * Mail hosting (HOSTING.md §2): Postfix with the agent's texthash maps (virtual domains, mailboxes,
   * aliases, a recipient access map for bounced suspended mailboxes) under `mapsDir`, Dovecot with a
   * passwd-file per domain under `passwdDir` (LMTP delivery, IMAP, SASL for submission), OpenDKIM
   * KeyTable/SigningTable and keys under `dkim.dir`. Absent: the server does not host mail.
   */
  mail?: {
    postfixBin: string; postfixConfDir: string; mapsDir: string;
    dovecotConf: string; doveconfBin?: string; passwdDir: string; dovecotGroup?: string;
    dkim?: { dir: string; pidFile: string; user: string; bin?: string; confFile?: string } | null;
  };
  userPrefix: string; // test runs use a test prefix, e.g. 'mpt'
  /** Root-owned state (plans, suspension flags, site specs). Optional addition; default /var/lib/mpanel-agent. */
  stateDir?: string;
  now(): Date;
}

export interface OpStep { name: string; ok: boolean; ms: number; detail?: string }
export interface OpResult { ok: boolean; code?: ProvisioningErrorCode; retryable?: boolean; message?: string; steps: OpStep[]; observed?: unknown }
export interface OpContext { env: AgentEnv; step<T>(name: string, fn: () => Promise<T>): Promise<T>; signal?: AbortSignal }

export type OpName =
  | 'account.ensure' | 'account.remove' | 'account.observe'
  | 'site.ensure' | 'site.remove'
  | 'db.ensure' | 'db.remove'
  | 'sftp.ensure' | 'sftp.remove'
  | 'cron.ensure' | 'cron.remove'
  | 'cert.install' | 'acme.token.put' | 'acme.token.delete'
  | 'mail.domain.ensure' | 'mail.domain.remove' | 'mailbox.ensure' | 'mailbox.remove' | 'mail.alias.ensure' | 'mail.alias.remove' | 'mail.observe'
  | 'observe' | 'usage.collect' | 'server.facts';

export interface Op<P = unknown> { name: OpName; run(ctx: OpContext, params: P): Promise<unknown /* observed */> }

/** What an op throws: a provisioning code the panel can act on, and whether retrying can help. */
export class OpError extends Error {
  readonly retryable: boolean;
  constructor(readonly code: ProvisioningErrorCode, message: string, opts: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'OpError';
    this.retryable = opts.retryable ?? ['UNREACHABLE', 'TIMEOUT', 'RATE_LIMITED', 'REMOTE_UNAVAILABLE'].includes(code);
  }
}
