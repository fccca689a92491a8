/** What the limits count of a delivery being POSTed. */
export interface Slot {
  id: string;
  webhookId: string;
  tenantId: string;
}

export interface SlotLimits {
  /** POSTs in flight at most, overall. */
  concurrency: number;
  /** ... to one endpoint (webhook). */
  perEndpoint: number;
  /** ... for one tenant, whatever its number of endpoints. */
  perTenant: number;
}

/** The deliveries this instance is POSTing, counted per endpoint and per tenant. */
export class InFlight {
  private readonly slots = new Map<string, Slot>();
  private readonly byHook = new Map<string, number>();
  private readonly byTenant = new Map<string, number>();

  constructor(readonly limits: SlotLimits) {}

  get size(): number {
    return this.slots.size;
  }

  get free(): number {
    return Math.max(0, this.limits.concurrency - this.slots.size);
  }

  add(slot: Slot): void {
    this.slots.set(slot.id, slot);
    bump(this.byHook, slot.webhookId, 1);
    bump(this.byTenant, slot.tenantId, 1);
  }

  delete(slot: Slot): void {
    if (!this.slots.delete(slot.id)) return;
    bump(this.byHook, slot.webhookId, -1);
    bump(this.byTenant, slot.tenantId, -1);
  }

  /** Endpoints and tenants with no room left: the claim does not even look at their rows. */
  full(): { hooks: string[]; tenants: string[] } {
    return {
      hooks: [...this.byHook].filter(([, n]) => n >= this.limits.perEndpoint).map(([id]) => id),
      tenants: [...this.byTenant].filter(([, n]) => n >= this.limits.perTenant).map(([id]) => id),
    };
  }

  /**
   * Takes candidates (in the order found) round-robin across tenants — one per tenant per round —
   * within every limit, until `free` are taken.
   */
  pick<T extends Slot>(candidates: T[]): T[] {
    const hooks = new Map(this.byHook);
    const tenants = new Map(this.byTenant);
    const queues = new Map<string, T[]>();
    for (const c of candidates) queues.set(c.tenantId, [...(queues.get(c.tenantId) ?? []), c]);
    const picked: T[] = [];
    let free = this.free;
    while (free > 0 && queues.size) {
      for (const [tenantId, queue] of queues) {
        const next = queue.findIndex((c) => (hooks.get(c.webhookId) ?? 0) < this.limits.perEndpoint);
        if (next < 0 || (tenants.get(tenantId) ?? 0) >= this.limits.perTenant) {
          queues.delete(tenantId);
          continue;
        }
        const [c] = queue.splice(next, 1);
        picked.push(c!);
        bump(hooks, c!.webhookId, 1);
        bump(tenants, tenantId, 1);
        if (--free === 0) break;
      }
    }
    return picked;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
