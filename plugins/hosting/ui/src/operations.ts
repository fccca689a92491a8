/**
 * Provisioning operations as the screens present them: which actions a state allows, how a
 * status looks, and the filters of the Provisioning page (kept in the URL by DataList).
 */
import type { Filter } from '@mpanel/sdk/ui/vue';
import type { Operation, OperationStatus } from './types.ts';

/** Select options labelled by their values (the kit's `choices`, kept here so this module loads without Vue). */
const choices = (...values: string[]) => values.map((value) => ({ value, label: value }));

export const OPERATION_STATUSES: OperationStatus[] = ['queued', 'running', 'retrying', 'needs_attention', 'succeeded', 'cancelled', 'superseded'];
export const OPERATION_ACTIONS = ['create', 'suspend', 'unsuspend', 'terminate', 'changePackage', 'changePassword', 'reconcile', 'resource.ensure', 'resource.remove'];

/** Retry: an operation that stopped for a person (one that is retrying has its own schedule; the API answers 409). */
export const canRetry = (op: Pick<Operation, 'status'>): boolean => op.status === 'needs_attention';
/** Cancel: anything still open (a step running on the server finishes; nothing after it runs). */
export const canCancel = (op: Pick<Operation, 'status'>): boolean => ['queued', 'running', 'retrying', 'needs_attention'].includes(op.status);

/** The tag colour of a status (PrimeVue Tag severities). */
export function statusSeverity(status: string): 'success' | 'info' | 'warn' | 'danger' | 'secondary' {
  switch (status) {
    case 'succeeded': case 'online': case 'active': return 'success';
    case 'running': case 'queued': case 'enrolling': return 'info';
    case 'retrying': case 'draining': case 'maintenance': case 'suspended': return 'warn';
    case 'needs_attention': case 'offline': return 'danger';
    default: return 'secondary';
  }
}

/** The Provisioning page's filters: state, server (options from the server list), action. */
export function operationFilters(servers: Array<{ id: string; name: string }>): Filter[] {
  return [
    { key: 'status', label: 'hosting.status', options: choices(...OPERATION_STATUSES) },
    { key: 'serverId', label: 'hosting.server', options: servers.map((s) => ({ value: s.id, label: s.name })) },
    { key: 'action', label: 'hosting.action.label', options: choices(...OPERATION_ACTIONS) },
  ];
}

/** "3 of 5 steps ok · 1.2 s": a timeline's one-line summary. */
export function stepsSummary(steps: Operation['steps']): { ok: number; total: number; ms: number } {
  const list = steps ?? [];
  return { ok: list.filter((s) => s.ok).length, total: list.length, ms: list.reduce((sum, s) => sum + (s.ms ?? 0), 0) };
}

/** A duration for people: 850 ms, 1.2 s, 3 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
