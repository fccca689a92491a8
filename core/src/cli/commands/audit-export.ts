import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { migrateUp } from '../../db/migrator.ts';
import { CORE_MIGRATIONS } from '../../platform.ts';
import { auditLines, type ExportFormat } from '../../retention/audit-records.ts';
import { cliConfig, withDatabase } from '../context.ts';

interface Options {
  tenant: string;
  format: string;
  after?: string;
  before?: string;
  out?: string;
}

/** A date (YYYY-MM-DD, midnight UTC) or an ISO date-time; anything else ends the command. */
function instant(program: Command, option: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) program.error(`audit:export: ${option} must be a date (YYYY-MM-DD) or an ISO date-time (got "${value}")`);
  return date;
}

/**
 * `mpanel audit:export --tenant <slug> [--format jsonl|csv] [--after <date>] [--before <date>] [--out <file>]`:
 * the operator's copy of a tenant's audit log (before retention deletes it), the same lines as
 * `GET /api/v1/audit-logs/export`. The file appears under its name only once complete.
 */
export function auditExportCommand(program: Command): void {
  program
    .command('audit:export')
    .description('write a tenant\'s audit log as JSON lines or CSV (to a file or stdout)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--after <date>', 'entries written at or after this date / date-time')
    .option('--before <date>', 'entries written before this date / date-time (default: now)')
    .option('--out <file>', 'file to write (default: stdout)')
    .action(async (opts: Options) => {
      if (opts.format !== 'jsonl' && opts.format !== 'csv') program.error(`audit:export: --format must be jsonl or csv (got "${opts.format}")`);
      const from = instant(program, '--after', opts.after);
      const to = instant(program, '--before', opts.before) ?? new Date();
      if (from && from >= to) program.error('audit:export: --after must be before --before');
      const config = cliConfig();
      let rows = 0;
      await withDatabase(config, async (db) => {
        await migrateUp(db.knex, [CORE_MIGRATIONS]);
        const tenant = (await db.knex('tenants').where({ slug: opts.tenant }).first('id')) as { id: string } | undefined;
        if (!tenant) program.error(`audit:export: no tenant with slug "${opts.tenant}"`);
        const lines = Readable.from(auditLines(db.appKnex, { tenantId: tenant!.id, from, to, onRows: (n) => (rows += n) }, opts.format as ExportFormat));
        if (!opts.out) return pipeline(lines, process.stdout as Writable, { end: false });
        const partial = `${opts.out}.partial`;
        try {
          await pipeline(lines, createWriteStream(partial, { mode: 0o600 }));
          await rename(partial, opts.out);
        } catch (err) {
          await rm(partial, { force: true });
          throw err;
        }
      });
      if (opts.out) process.stderr.write(`Wrote ${rows} audit entries of ${opts.tenant} to ${opts.out}\n`);
    });
}
