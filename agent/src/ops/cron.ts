import type { DesiredResource, ObservedResource } from '@mpanel/sdk';
import type { Op } from './types.ts';
import type { AgentEnv } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { run } from './exec.ts';
import { managedAccount } from './site.ts';

type CronParams = { username: string; cron: Extract<DesiredResource, { kind: 'cron' }> };

/**
 * The user's crontab (`crontab -u`), with each managed job as a header line plus the job line.
 * A job suspended by its own state or by the account's is kept, commented out, so restoring it
 * needs nothing from the panel. Lines the agent did not write are left as they are.
 */
interface Entry { id: string; schedule: string; command: string; job: 'active' | 'suspended'; account: 'active' | 'suspended' }
const HEADER = /^# mpanel-cron id=([A-Za-z0-9_-]+) job=(active|suspended) account=(active|suspended)$/;

async function read(username: string): Promise<{ entries: Entry[]; other: string[] }> {
  const r = await run('crontab', ['-u', username, '-l']);
  if (r.code !== 0 && !/no crontab/i.test(r.stderr)) throw new OpError('REMOTE_ERROR', `crontab -l failed: ${r.stderr.trim()}`);
  const lines = r.code === 0 ? r.stdout.split('\n') : [];
  const entries: Entry[] = [];
  const other: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i] ?? '');
    if (!m) {
      if (lines[i]) other.push(lines[i]!);
      continue;
    }
    const job = (lines[++i] ?? '').replace(/^# /, '');
    const at = job.startsWith('@') ? job.indexOf(' ') : job.split(' ', 5).join(' ').length;
    entries.push({ id: m[1]!, job: m[2] as Entry['job'], account: m[3] as Entry['account'], schedule: job.slice(0, at), command: job.slice(at + 1) });
  }
  return { entries, other };
}

async function write(username: string, entries: Entry[], other: string[]): Promise<void> {
  const lines = [...other];
  for (const e of entries) {
    lines.push(`# mpanel-cron id=${e.id} job=${e.job} account=${e.account}`);
    lines.push(`${e.job === 'active' && e.account === 'active' ? '' : '# '}${e.schedule} ${e.command}`);
  }
  const r = lines.length === 0 ? await run('crontab', ['-u', username, '-r']) : await run('crontab', ['-u', username, '-'], { input: `${lines.join('\n')}\n` });
  if (r.code !== 0 && !/no crontab/i.test(r.stderr)) throw new OpError('REMOTE_ERROR', `crontab failed: ${r.stderr.trim()}`);
}

export async function crontabSuspend(_env: AgentEnv, username: string, suspended: boolean): Promise<void> {
  const { entries, other } = await read(username);
  const want = suspended ? 'suspended' : 'active';
  if (entries.every((e) => e.account === want)) return;
  await write(username, entries.map((e) => ({ ...e, account: want })), other);
}

export async function crontabRemove(username: string): Promise<void> {
  await run('crontab', ['-u', username, '-r']);
}

function observed(e: Entry | undefined, id: string): ObservedResource {
  if (!e) return { kind: 'cron', id, exists: false };
  return { kind: 'cron', id, exists: true, state: e.job === 'active' && e.account === 'active' ? 'active' : 'suspended', detail: { schedule: e.schedule, command: e.command } };
}

const ensure: Op<CronParams> = {
  name: 'cron.ensure',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    const c = v.object(params.cron, 'cron') as CronParams['cron'];
    const id = v.id(c.id, 'cron id');
    const entry: Omit<Entry, 'account'> = { id, schedule: v.cronSchedule(c.schedule), command: v.cronCommand(c.command), job: v.state(c.state) };
    const account = await managedAccount(ctx.env, username);
    return ctx.step('crontab', async () => {
      const { entries, other } = await read(username);
      const i = entries.findIndex((e) => e.id === id);
      if (i < 0 && account.plan.cronJobs != null && entries.length >= account.plan.cronJobs) throw new OpError('CAPACITY', `The plan allows ${account.plan.cronJobs} cron job(s)`);
      const next: Entry = { ...entry, account: account.state === 'suspended' && account.suspension.cron ? 'suspended' : 'active' };
      const current = entries[i];
      if (!current || JSON.stringify(current) !== JSON.stringify(next)) {
        if (i < 0) entries.push(next);
        else entries[i] = next;
        await write(username, entries, other);
      }
      return observed(next, id);
    });
  },
};

const remove: Op<{ username: string; cronId: string }> = {
  name: 'cron.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    const id = v.id(params.cronId, 'cron id');
    return ctx.step('crontab', async () => {
      const { entries, other } = await read(username);
      if (entries.some((e) => e.id === id)) await write(username, entries.filter((e) => e.id !== id), other);
      return observed(undefined, id);
    });
  },
};

export async function observeCron(username: string, id?: string): Promise<ObservedResource[]> {
  const { entries } = await read(username);
  return id ? [observed(entries.find((e) => e.id === id), id)] : entries.map((e) => observed(e, e.id));
}

export const cronOps = [ensure, remove];
