/** What the API shows of runs and steps: never the sealed input/output, nor lease bookkeeping. */
const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
const ms = (from: unknown, to: unknown) => (from && to ? new Date(to as string).getTime() - new Date(from as string).getTime() : null);

export const RUN_LIST_COLUMNS = ['id', 'name', 'subject', 'status', 'phase', 'current_step', 'last_error', 'superseded_by', 'cancel_requested', 'next_attempt_at', 'created_at', 'started_at', 'finished_at'];

export function runView(r: Record<string, unknown>): Record<string, unknown> {
  return {
    id: r.id, name: r.name, subject: r.subject, status: r.status, phase: r.phase, currentStep: r.current_step, lastError: r.last_error,
    supersededBy: r.superseded_by, cancelRequested: r.cancel_requested, nextAttemptAt: iso(r.next_attempt_at),
    createdAt: iso(r.created_at), startedAt: iso(r.started_at), finishedAt: iso(r.finished_at), durationMs: ms(r.started_at, r.finished_at),
  };
}

export function stepView(s: Record<string, unknown>): Record<string, unknown> {
  return {
    id: s.id, position: s.position, name: s.name, kind: s.kind, status: s.status, attempts: s.attempts, idempotencyKey: s.idempotency_key,
    outputSummary: s.output_summary ?? null, lastError: s.last_error, startedAt: iso(s.started_at), finishedAt: iso(s.finished_at), durationMs: ms(s.started_at, s.finished_at),
  };
}
