import type { MigrationSet } from './db/migrator.ts';
import { CORE_MIGRATIONS } from './platform.ts';

/**
 * Core's migrations followed by each plugin's, in dependency order. Plugin discovery fills in the
 * plugin part; until then only core's set exists.
 */
export async function allMigrationSets(): Promise<MigrationSet[]> {
  return [CORE_MIGRATIONS];
}
