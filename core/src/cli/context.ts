import { loadConfig, loadDotEnv, type Config } from '../config/config.ts';
import { configuredDatabase, openDatabase, type Database } from '../db/connect.ts';

/** Reads `.env` and the environment; a bad value ends the command with one line (see main.ts). */
export function cliConfig(): Config {
  loadDotEnv();
  return loadConfig(process.env, { persistSecrets: true });
}

/** Opens the configured database for a command and always closes it. */
export async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(configuredDatabase(config));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
