/** One audit log entry; the actor, tenant, IP, user agent and request id are filled in for you. */
export interface AuditEntry {
  /** `<resource>.<verb>`, e.g. `invoice.refunded`, `auth.login_failed`. */
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
}

/**
 * The request-scoped audit log (`ctx.scope.resolve<AuditService>('audit')`). Inside a request
 * transaction the entry is written in it, so it is rolled back with a rejected request.
 */
export interface AuditService {
  record(entry: AuditEntry): Promise<void>;
}
