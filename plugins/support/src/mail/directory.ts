import type { SupportContext } from '../desk.ts';

export interface Mailbox { tenantId: string; departmentId: string }

/**
 * Which tenant and department a department address belongs to, across tenants. Mail arrives
 * without a tenant, and plugins read tenants one at a time (`forEachTenant`), so the map is kept
 * in memory: rebuilt every `ttlMs`, and on a miss at most every `missRefreshMs` (a department
 * created a moment ago receives mail at once; a flood of unknown addresses costs one rebuild per interval).
 */
export class MailDirectory {
  private map = new Map<string, Mailbox>();
  private builtAt = 0;
  private building: Promise<void> | null = null;

  constructor(private readonly ctx: SupportContext, private readonly ttlMs = 60_000, private readonly missRefreshMs = 1_000) {}

  async lookup(address: string, now = Date.now()): Promise<Mailbox | undefined> {
    const key = address.toLowerCase();
    if (now - this.builtAt > this.ttlMs) await this.rebuild();
    let hit = this.map.get(key);
    if (!hit && now - this.builtAt > this.missRefreshMs) {
      await this.rebuild();
      hit = this.map.get(key);
    }
    return hit;
  }

  /** Forget the map (a department's address changed in this process). */
  invalidate(): void {
    this.builtAt = 0;
  }

  private rebuild(): Promise<void> {
    this.building ??= (async () => {
      const next = new Map<string, Mailbox>();
      await this.ctx.forEachTenant(async (tenant) => {
        const rows = (await tenant.transaction((trx) => trx('ticket_departments').where({ tenant_id: tenant.id }).whereNotNull('email').select('id', 'email'))) as Array<{ id: string; email: string }>;
        for (const r of rows) next.set(r.email.toLowerCase(), { tenantId: tenant.id, departmentId: r.id });
      });
      this.map = next;
      this.builtAt = Date.now();
    })().finally(() => { this.building = null; });
    return this.building;
  }
}
