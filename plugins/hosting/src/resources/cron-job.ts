import { ValidationError } from '@mpanel/sdk';
import { CronJob } from '../models/index.ts';
import { objectBody } from '../routes/common.ts';
import type { ResourceSpec } from './spec.ts';

const MACROS = new Set(['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually']);
const BOUNDS: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES = [null, null, null, ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']] as const;

/** One field of a five-field schedule: `*`, `a`, `a-b`, any of those `/step`, comma lists; names for month and weekday. */
function fieldOk(field: string, index: number): boolean {
  const [lo, hi] = BOUNDS[index]!;
  const names = NAMES[index];
  const num = (s: string) => {
    const named = names ? (names as readonly string[]).indexOf(s.toLowerCase()) : -1;
    const n = named >= 0 ? named + (index === 3 ? 1 : 0) : /^\d{1,2}$/.test(s) ? Number(s) : NaN;
    return n >= lo && n <= hi ? n : NaN;
  };
  return field.split(',').every((part) => {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!m) return false;
    if (m[2] !== undefined && !(Number(m[2]) >= 1 && Number(m[2]) <= hi)) return false;
    if (m[1] === '*') return true;
    const [a, b] = m[1]!.split('-');
    return b === undefined ? !Number.isNaN(num(a!)) : num(a!) <= num(b);
  });
}

export function scheduleProblem(schedule: string): string | null {
  const s = schedule.trim();
  if (MACROS.has(s)) return null;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return 'must have five fields (minute hour day month weekday) or be @hourly, @daily, @weekly, @monthly, @yearly';
  const bad = parts.findIndex((p, i) => !fieldOk(p, i));
  return bad >= 0 ? `field ${bad + 1} ("${parts[bad]}") is not valid` : null;
}

/** A crontab line is one line: a newline would add a second job (and `%` is crontab's newline). */
export function commandProblem(command: string): string | null {
  if (/[\r\n\0]/.test(command)) return 'must be one line';
  if (/(^|[^\\])%/.test(command)) return 'must escape % as \\%';
  return null;
}

function checked(body: Record<string, unknown>): Record<string, unknown> {
  const problems: Record<string, string> = {};
  if (typeof body.schedule === 'string') {
    const p = scheduleProblem(body.schedule);
    if (p) problems.schedule = p;
  }
  if (typeof body.command === 'string') {
    const p = commandProblem(body.command);
    if (p) problems.command = p;
  }
  if (Object.keys(problems).length) throw new ValidationError(problems);
  return { ...body, ...(typeof body.schedule === 'string' ? { schedule: body.schedule.trim().split(/\s+/).join(' ') } : {}) };
}

const fields = { schedule: { type: 'string', minLength: 1, maxLength: 100 }, command: { type: 'string', minLength: 1, maxLength: 1000 } };

export const cronJobSpec: ResourceSpec<CronJob> = {
  segment: 'cron-jobs',
  param: 'cronJobId',
  model: CronJob,
  subjectType: 'cron',
  limit: 'cronJobs',
  noun: 'cron job',
  duplicate: 'The cron job exists',
  createBody: objectBody(fields, ['schedule', 'command']),
  patchBody: objectBody(fields, [], 1),
  build: async (_ctx, body) => ({ row: checked(body) }),
  patch: async (_ctx, _row, body) => ({ row: checked(body) }),
  desired: (_ctx, job) => ({ kind: 'cron', schedule: job.schedule, command: job.command }),
};
