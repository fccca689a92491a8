import { Readable } from 'node:stream';
import { ValidationError, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { auditContextOf } from '../identity/guards/request-context.ts';
import { auditLines, type ExportFormat } from './audit-records.ts';

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };
const instant = { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }] };

export const AUDIT_EXPORT_PERMISSION = { name: 'audit-logs.export', description: 'Download the whole audit log (CSV, JSON lines)', defaultRoles: ['admin'] };

/**
 * `GET /api/v1/audit-logs/export?format=csv|jsonl&from=&to=`: the tenant's audit log, oldest
 * first, streamed as it is read (never the whole file in memory, no transaction held while the
 * client downloads). `from` is inclusive, `to` exclusive (default: now). The export itself is
 * written to the audit log.
 */
export function auditExportRoutes(container: RootContainer): RouteDefinition[] {
  const { appKnex, auditLog } = container.cradle;
  return [
    defineRoute<Record<string, string>, { format: ExportFormat; from?: string; to?: string }>({
      method: 'GET',
      path: '/api/v1/audit-logs/export',
      permission: AUDIT_EXPORT_PERMISSION.name,
      tags: ['audit'],
      summary: 'Download the tenant\'s audit log as CSV or JSON lines (`from` inclusive, `to` exclusive; dates or date-times)',
      transaction: false,
      schema: {
        query: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { enum: ['csv', 'jsonl'], default: 'jsonl' }, from: instant, to: instant },
        },
      },
      handler: async (ctx) => {
        const { format, from, to } = ctx.input.query;
        const range = { tenantId: (ctx.state.tenant as TenantRef).id, from: from ? new Date(from) : undefined, to: to ? new Date(to) : new Date() };
        if (range.from && range.from >= range.to) throw new ValidationError({ from: 'must be before to' });
        await auditLog.write(auditContextOf(ctx), { action: 'audit-logs.exported', metadata: { format, from: range.from?.toISOString() ?? null, to: range.to.toISOString() } });
        const stamp = range.to.toISOString().slice(0, 10);
        ctx.set('content-disposition', `attachment; filename="audit-logs-${stamp}.${format}"`);
        ctx.set('cache-control', 'no-store');
        ctx.type = CONTENT_TYPES[format];
        ctx.status = 200;
        ctx.body = Readable.from(auditLines(appKnex, range, format));
      },
    }),
  ];
}
