import type { Knex } from 'knex';
import type { JsonSchema } from '@mpanel/sdk';
import { compileValidator, type Validator } from '../http/validation.ts';
import { dbFor } from './execution-scope.ts';
import type { SecretBox } from '../crypto/secret-box.ts';

interface Row {
  values: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** The fields of a settings schema marked `"secret": true`. */
export function secretFields(schema: JsonSchema | undefined): string[] {
  const props = (schema?.properties ?? {}) as Record<string, { secret?: boolean }>;
  return Object.keys(props).filter((k) => props[k]?.secret === true);
}

/** The field a plugin secret is sealed for: `<plugin id>.<setting>`. */
export function secretField(pluginId: string, key: string): string {
  return `${pluginId}.${key}`;
}

/**
 * Per-tenant plugin settings: plain values in `values`, secret fields sealed (AES-256-GCM) in
 * `secrets`. Plugins read everything in clear; the API only learns which secrets are set.
 */
export class SettingsStore {
  private readonly validators = new Map<string, Validator>();

  /** `box` also seals values plugins keep in their own tables (`ctx.secrets`). */
  constructor(private readonly knex: Knex, readonly box: SecretBox) {}

  private validator(pluginId: string, schema: JsonSchema): Validator {
    let v = this.validators.get(pluginId);
    if (!v) {
      v = compileValidator(schema, 'body');
      this.validators.set(pluginId, v);
    }
    return v;
  }

  private async row(pluginId: string, tenantId: string, trx?: Knex.Transaction): Promise<Row> {
    const row = (await dbFor(this.knex, trx)('plugin_settings').where({ tenant_id: tenantId, plugin_id: pluginId }).first()) as Row | undefined;
    return row ?? { values: {}, secrets: {} };
  }

  /** Values and decrypted secrets (for the plugin itself), with schema defaults. */
  async read(pluginId: string, schema: JsonSchema | undefined, tenantId: string, trx?: Knex.Transaction): Promise<Record<string, unknown>> {
    const row = await this.row(pluginId, tenantId, trx);
    const all: Record<string, unknown> = { ...row.values };
    for (const [k, sealed] of Object.entries(row.secrets)) all[k] = this.box.open(sealed, { tenantId, field: secretField(pluginId, k) });
    return withSchemaDefaults(all, schema);
  }

  /**
   * What the API shows: the effective plain values (schema defaults for what was never set, so a
   * form shows what the plugin uses and saving it changes nothing else) and, per secret field,
   * whether it is set.
   */
  async describe(pluginId: string, schema: JsonSchema | undefined, tenantId: string, trx?: Knex.Transaction): Promise<{ values: Record<string, unknown>; secrets: Record<string, boolean> }> {
    const row = await this.row(pluginId, tenantId, trx);
    const secretKeys = secretFields(schema);
    const defaults = Object.fromEntries(Object.entries(withSchemaDefaults({}, schema)).filter(([k]) => !secretKeys.includes(k)));
    return { values: { ...defaults, ...row.values }, secrets: Object.fromEntries(secretKeys.map((k) => [k, row.secrets[k] !== undefined])) };
  }

  /**
   * Merges the changes into the stored values and validates the result with the defaults filled in
   * (the values the plugin will use), seals secrets, stores. Only fields ever set are stored — a
   * default stays a default — so a change of one field never changes another. Omitted secrets keep
   * their value; null clears a field (back to its default).
   */
  async write(pluginId: string, schema: JsonSchema | undefined, tenantId: string, changes: Record<string, unknown>, trx?: Knex.Transaction): Promise<void> {
    const merged = { ...(await this.read(pluginId, undefined, tenantId, trx)), ...changes };
    for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
    // The validator fills defaults in place: it checks a copy, so defaults are not stored.
    if (schema) this.validator(pluginId, schema)(structuredClone(merged));
    const secretKeys = new Set(secretFields(schema));
    const values: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged)) {
      if (secretKeys.has(k)) secrets[k] = this.box.seal(String(v), { tenantId, field: secretField(pluginId, k) });
      else values[k] = v;
    }
    await dbFor(this.knex, trx)('plugin_settings')
      .insert({ tenant_id: tenantId, plugin_id: pluginId, values: JSON.stringify(values), secrets: JSON.stringify(secrets), updated_at: new Date() })
      .onConflict(['tenant_id', 'plugin_id'])
      .merge(['values', 'secrets', 'updated_at']);
  }
}

/** `values` with each schema property's `default` where the value is missing. */
function withSchemaDefaults(values: Record<string, unknown>, schema: JsonSchema | undefined): Record<string, unknown> {
  const out = { ...values };
  const props = (schema?.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [k, p] of Object.entries(props)) if (out[k] === undefined && p.default !== undefined) out[k] = structuredClone(p.default);
  return out;
}
