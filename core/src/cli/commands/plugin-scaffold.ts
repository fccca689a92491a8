import { scaffoldServerFiles } from './scaffold/server-files.ts';
import { scaffoldUiFiles } from './scaffold/ui-files.ts';
import { scaffoldPackageFiles, type ScaffoldDependencies } from './scaffold/package-files.ts';

export interface ScaffoldNames {
  /** kebab-case plugin id, e.g. `hello-world`. */
  id: string;
  /** Display name, e.g. `Hello World`. */
  name: string;
  /** The id as a table prefix: `hello_world`. */
  table: string;
  /** The UTC timestamp prefix of the first migration. */
  migrationStamp: string;
}

/**
 * The files of a new plugin that works outside this repository: a route, a permission and a
 * migration on the server, a `.vue` tab on billing's client page, a test with
 * `@mpanel/sdk/testing`, and a package.json whose scripts build the UI and run the test.
 */
export function scaffoldFiles(id: string, name: string, deps: ScaffoldDependencies = {}, now = new Date()): Record<string, string> {
  const names: ScaffoldNames = { id, name, table: id.replace(/-/g, '_'), migrationStamp: now.toISOString().replace(/\D/g, '').slice(0, 14) };
  return { ...scaffoldPackageFiles(names, deps), ...scaffoldServerFiles(names), ...scaffoldUiFiles(names) };
}
