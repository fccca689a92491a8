import { createTenantDb, type PluginContext, type TenantDb } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { withDefaults, type SupportSettings } from './settings.ts';
import { storeFromEnv, type BlobStore } from './attachments/store.ts';

export type SupportContext = PluginContext<Partial<SupportSettings>>;

/** What every ticket operation works with: one tenant's data in one transaction, its settings, the time. */
export interface Desk {
  ctx: SupportContext;
  db: TenantDb;
  settings: SupportSettings;
  /** The operation's clock (tests and the maintenance route move it). */
  now: Date;
  store: BlobStore;
}

const stores = new WeakMap<SupportContext, BlobStore>();
export const dataDirOf = (ctx: SupportContext): string => ctx.platform.dataDir ?? process.env.DATA_DIR ?? './data';
/** One store per plugin instance, made on first use (the environment is read then, not at import). */
export function blobStore(ctx: SupportContext): BlobStore {
  let store = stores.get(ctx);
  if (!store) stores.set(ctx, (store = storeFromEnv(dataDirOf(ctx))));
  return store;
}

export async function openDesk(ctx: SupportContext, trx: Knex.Transaction, tenantId: string, now = new Date()): Promise<Desk> {
  return { ctx, db: createTenantDb(trx, tenantId), settings: withDefaults(await ctx.settings.get(tenantId)), now, store: blobStore(ctx) };
}
