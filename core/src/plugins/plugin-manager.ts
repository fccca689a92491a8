import type { PluginManifest } from '@mpanel/sdk';
import type { PluginStatus, PluginStatusSource, RootContainer } from '../container.ts';
import { migrateUp } from '../db/migrator.ts';
import { discoverPlugins, migrationsDirOf, migrationTableOf, type PluginSources } from './discovery.ts';
import { checkEngines, validateManifest } from './manifest-validator.ts';
import { ResourceOwnership } from './resource-ownership.ts';
import { orderPlugins } from './order.ts';
import { newRecord, type PluginRecord } from './plugin-record.ts';
import { createPluginContext } from './plugin-context.ts';
import { withTimeout } from './with-timeout.ts';

export interface StepTimeouts {
  register: number;
  migrate: number;
  boot: number;
  shutdown: number;
}

export const DEFAULT_TIMEOUTS: StepTimeouts = { register: 10_000, migrate: 120_000, boot: 30_000, shutdown: 10_000 };

export class PluginAbortError extends Error {}

/**
 * The plugin lifecycle: discover → validate → order → register (all) → migrate → boot (all) →
 * shutdown (reverse). A plugin failing any step is marked failed with its error, everything it
 * registered is withdrawn, its dependants are skipped, and the rest keeps going — unless its
 * manifest says `bootFailure: abort`.
 */
export class PluginManager implements PluginStatusSource {
  private readonly records = new Map<string, PluginRecord>();
  private order: string[] = [];
  /** Who owns which resource; core's own come from the permissions core registered. */
  readonly resources = new ResourceOwnership(() => this.container.cradle.permissionRegistry.list().filter((p) => p.owner === 'core').map((p) => p.name.split('.')[0]!));

  constructor(private readonly container: RootContainer, private readonly sources: PluginSources, private readonly timeouts: StepTimeouts) {}

  list(): PluginStatus[] {
    return [...this.records.values()].map((r) => {
      const status: PluginStatus['status'] = r.state === 'failed' ? 'failed' : r.state === 'skipped' ? 'skipped' : 'active';
      return r.error ? { id: r.id, version: r.version, status, error: r.error } : { id: r.id, version: r.version, status };
    });
  }

  get(id: string): PluginRecord | undefined {
    return this.records.get(id);
  }

  /** Registered and not failed: its routes, services and subscribers may be used. */
  isUsable(id: string): boolean {
    const r = this.records.get(id);
    if (!r) return id === 'core';
    return r.state === 'registered' || r.state === 'migrated' || r.state === 'active';
  }

  isEnabledCached(id: string, tenantId: string | null): boolean {
    return this.container.cradle.pluginTenantStates.isEnabledCached(id, tenantId);
  }

  async registerAll(version: string): Promise<void> {
    const candidates = discoverPlugins(this.sources);
    const manifests: PluginManifest[] = [];
    for (const candidate of candidates) {
      let record: PluginRecord | undefined;
      try {
        const definition = await candidate.load();
        const manifest = validateManifest(definition.manifest, candidate.source);
        if (this.records.has(manifest.id)) throw new Error(`Plugin "${manifest.id}" is installed twice (${candidate.source})`);
        record = newRecord(manifest.id, { manifest, definition, directory: candidate.directory, version: manifest.version });
        this.records.set(record.id, record);
        checkEngines(manifest, version);
        manifests.push(manifest);
      } catch (err) {
        if (!record) {
          // Not even a valid manifest: listed under its folder or package name.
          let id = candidate.source;
          for (let n = 2; this.records.has(id); n++) id = `${candidate.source}#${n}`;
          record = newRecord(id);
          this.records.set(id, record);
        }
        this.fail(record, err);
      }
    }
    const { order, rejected } = orderPlugins(manifests);
    for (const [id, reason] of rejected) this.fail(this.records.get(id)!, new Error(reason), 'skipped');
    this.order = order;
    for (const id of order) {
      const record = this.records.get(id)!;
      if (record.state !== 'loaded') continue;
      try {
        this.resources.claim(record.manifest!);
      } catch (err) {
        this.fail(record, err);
      }
    }
    for (const id of order) {
      const record = this.records.get(id)!;
      if (record.state !== 'loaded' || record.done.register) continue;
      record.done.register = true;
      const missing = Object.keys(record.manifest!.dependencies ?? {}).find((dep) => !this.isUsable(dep));
      if (missing) {
        this.fail(record, new Error(`Plugin "${id}" skipped: its dependency "${missing}" failed`), 'skipped');
        continue;
      }
      try {
        this.resources.checkManifest(record.manifest!);
        record.ctx = createPluginContext(record, this.container);
        for (const p of record.manifest!.permissions ?? []) this.container.cradle.permissionRegistry.register(id, p);
        record.registering = true;
        await withTimeout(() => record.definition!.register(record.ctx!), this.timeouts.register, `Plugin "${id}" register`);
        record.state = 'registered';
      } catch (err) {
        this.fail(record, err);
      } finally {
        record.registering = false;
      }
    }
  }

  async migrateAll(): Promise<void> {
    for (const record of this.usable()) {
      if (record.done.migrate) continue;
      record.done.migrate = true;
      const directory = migrationsDirOf(record.directory, record.manifest!);
      try {
        if (directory) {
          const set = { owner: record.id, tableName: migrationTableOf(record.id), directory };
          await withTimeout(() => migrateUp(this.container.cradle.knex, [set]), this.timeouts.migrate, `Plugin "${record.id}" migrations`);
        }
        record.state = 'migrated';
      } catch (err) {
        this.fail(record, err);
      }
    }
  }

  async bootAll(): Promise<void> {
    for (const record of this.usable()) {
      if (record.done.boot) continue;
      record.done.boot = true;
      try {
        if (record.definition!.boot) await withTimeout(() => record.definition!.boot!(record.ctx!), this.timeouts.boot, `Plugin "${record.id}" boot`);
        record.state = 'active';
      } catch (err) {
        this.fail(record, err);
      }
    }
  }

  async shutdownAll(): Promise<void> {
    for (const id of [...this.order].reverse()) {
      const record = this.records.get(id)!;
      if (record.state !== 'active' || record.done.shutdown) continue;
      record.done.shutdown = true;
      try {
        if (record.definition!.shutdown) await withTimeout(() => record.definition!.shutdown!(record.ctx!), this.timeouts.shutdown, `Plugin "${id}" shutdown`);
      } catch (err) {
        this.container.cradle.logger.error({ err, plugin: id }, 'plugin failed to shut down');
      }
      record.state = 'stopped';
    }
  }

  private usable(): PluginRecord[] {
    return this.order.map((id) => this.records.get(id)!).filter((r) => this.isUsable(r.id));
  }

  /** Marks failed, withdraws its registrations, skips its dependants; throws when it asks to abort. */
  private fail(record: PluginRecord, err: unknown, state: 'failed' | 'skipped' = 'failed'): void {
    const message = err instanceof Error ? err.message : String(err);
    record.state = state === 'skipped' && !message.includes('skipped') ? 'failed' : state;
    record.error = message;
    const c = this.container.cradle;
    c.logger.error({ plugin: record.id, err: message }, 'plugin failed');
    for (const registry of [c.routes, c.permissionRegistry, c.pluginServices, c.hookBus, c.eventBus, c.jobQueue, c.retentionRegistry, c.workflows.registry]) registry.removeOwner(record.id);
    this.resources.release(record.id);
    for (const other of this.records.values()) {
      if (other.manifest?.dependencies?.[record.id] && this.isUsable(other.id)) {
        this.fail(other, new Error(`Plugin "${other.id}" skipped: its dependency "${record.id}" failed`), 'skipped');
      }
    }
    if (record.manifest?.bootFailure === 'abort') throw new PluginAbortError(`Plugin "${record.id}" failed and asks to abort start-up: ${message}`);
  }
}
