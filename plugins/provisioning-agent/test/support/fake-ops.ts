import type { OpResult } from '@mpanel/agent';

/**
 * A fake op registry for the daemon: remembers accounts in memory, counts runs per op, and can be
 * told to be slow for one username (the panel gives up first: the ambiguous path).
 */
export class FakeOps {
  readonly runs: Array<{ op: string; params: unknown }> = [];
  readonly accounts = new Map<string, 'active' | 'suspended'>();
  slow = new Map<string, number>();
  /** PHP versions this fake server has: a plan asking for another is a package the server lacks. */
  installedPhp = ['8.2'];
  /** The next account.ensure is applied, then its answer takes this long. */
  hangNext = 0;

  count(op: string): number {
    return this.runs.filter((r) => r.op === op).length;
  }

  readonly run = async (op: string, params: unknown): Promise<OpResult> => {
    this.runs.push({ op, params });
    const p = (params ?? {}) as { username?: string; state?: 'active' | 'suspended' };
    const delay = p.username ? this.slow.get(p.username) : undefined;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const step = { name: op, ok: true, ms: 1 };
    switch (op) {
      case 'server.facts':
        return { ok: true, steps: [step], observed: { os: 'Debian 12', nginx: '1.22.1', php: ['8.2'], mariadb: '10.11', ips: ['127.0.0.1'], diskFreeMb: 1000 } };
      case 'account.ensure': {
        const missing = ((p as { plan?: { phpVersions?: string[] } }).plan?.phpVersions ?? []).filter((v) => !this.installedPhp.includes(v));
        if (missing.length) return { ok: false, code: 'INVALID_PACKAGE', retryable: false, message: `PHP ${missing.join(', ')} is not installed on this server: install it there or remove it from the plan`, steps: [{ name: 'php versions', ok: false, ms: 1 }] };
        this.accounts.set(p.username!, p.state ?? 'active');
        if (this.hangNext) {
          const hang = this.hangNext;
          this.hangNext = 0;
          await new Promise((r) => setTimeout(r, hang));
        }
        return { ok: true, steps: [{ name: 'useradd', ok: true, ms: 2 }, { name: 'pool', ok: true, ms: 3 }], observed: { exists: true, status: p.state, uid: 2001, home: `/home/${p.username}` } };
      }
      case 'account.observe': {
        const status = this.accounts.get(p.username!);
        return { ok: true, steps: [step], observed: status ? { exists: true, status, username: p.username } : { exists: false } };
      }
      case 'account.remove':
        this.accounts.delete(p.username!);
        return { ok: true, steps: [step] };
      case 'db.ensure':
        return { ok: false, code: 'CONFLICT', retryable: false, message: 'database name taken by another account', steps: [{ name: 'create database', ok: false, ms: 1, detail: 'exists, owned by mpt_other' }] };
      default:
        return { ok: false, code: 'UNSUPPORTED', retryable: false, message: `fake has no ${op}`, steps: [] };
    }
  };
}
