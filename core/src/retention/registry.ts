import type { RetentionTargetDefinition } from '@mpanel/sdk';
import { IDENTIFIER, type RetentionTarget } from './target.ts';

export class RetentionRegistryError extends Error {}

/** The longest period anybody may set: a hundred years, beyond which a number is a mistake. */
export const MAX_DAYS = 36_500;

const PART = '[a-z0-9][a-z0-9_-]*';
/** `name`, or `<plugin>.<name>` for a plugin's. */
const NAME = new RegExp(`^${PART}(\\.${PART})?$`);
const PLUGIN_NAME = new RegExp(`^${PART}$`);

function check(owner: string, def: RetentionTargetDefinition): void {
  const where = `Retention target "${def.name}" of "${owner}"`;
  if (!NAME.test(def.name)) throw new RetentionRegistryError(`${where}: the name must be lower case letters, digits, - or _`);
  const columns = [def.table, def.ageColumn, def.finishedWhen?.column, ...(def.children ?? []).flatMap((c) => [c.table, c.column])];
  for (const name of columns) {
    if (name !== undefined && !IDENTIFIER.test(name)) throw new RetentionRegistryError(`${where}: "${name}" is not a lower snake case table or column name`);
  }
  if (def.finishedWhen && (!Array.isArray(def.finishedWhen.in) || def.finishedWhen.in.length === 0 || def.finishedWhen.in.some((v) => typeof v !== 'string'))) {
    throw new RetentionRegistryError(`${where}: finishedWhen.in must be a non-empty list of strings`);
  }
  const days = [def.defaultDays, def.minDays ?? 1, def.maxDays ?? MAX_DAYS];
  if (days.some((d) => !Number.isSafeInteger(d) || d < 1 || d > MAX_DAYS)) throw new RetentionRegistryError(`${where}: days must be whole numbers from 1 to ${MAX_DAYS}`);
  if ((def.minDays ?? 1) > def.defaultDays || def.defaultDays > (def.maxDays ?? MAX_DAYS)) throw new RetentionRegistryError(`${where}: defaultDays must lie within minDays..maxDays`);
}

/**
 * Every retention target, in the order the job visits them: core's first (registered before any
 * plugin), then the plugins'. One table has one owner: a plugin cannot shorten the life of core's
 * rows (the audit log) or another plugin's by naming their table.
 */
export class RetentionRegistry {
  private readonly targets = new Map<string, RetentionTarget>();

  add(target: RetentionTarget): void {
    check(target.owner, target);
    if (this.targets.has(target.name)) throw new RetentionRegistryError(`Retention target "${target.name}" is already registered`);
    const holder = this.list().find((t) => t.table === target.table || t.children?.some((c) => c.table === target.table));
    if (holder) throw new RetentionRegistryError(`Retention target "${target.name}" of "${target.owner}": table ${target.table} is already a retention target of "${holder.owner}"`);
    this.targets.set(target.name, target);
  }

  /** A plugin's target, named `<plugin>.<name>`; it can only state which rows are finished declaratively. */
  addForPlugin(pluginId: string, def: RetentionTargetDefinition): void {
    if (!PLUGIN_NAME.test(def.name)) throw new RetentionRegistryError(`Retention target "${def.name}" of "${pluginId}": the name must be lower case letters, digits, - or _`);
    const { finishedWhen, ...rest } = def;
    this.add({ ...rest, ...(finishedWhen ? { finishedWhen: { column: finishedWhen.column, in: [...finishedWhen.in] } } : {}), name: `${pluginId}.${def.name}`, owner: pluginId });
  }

  removeOwner(owner: string): void {
    for (const [name, t] of this.targets) if (t.owner === owner) this.targets.delete(name);
  }

  list(): RetentionTarget[] {
    return [...this.targets.values()];
  }

  get(name: string): RetentionTarget | undefined {
    return this.targets.get(name);
  }
}
