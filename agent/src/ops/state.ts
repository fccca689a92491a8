import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostingPlanLimits } from '@mpanel/sdk';
import type { AgentEnv } from './types.ts';
import { atomicWrite, ensureDir, readIfExists } from './files.ts';

/**
 * Root-owned records of what the agent manages: an account's plan and suspension policy, and each
 * site's desired spec (a suspended account re-renders its vhosts from these). Nothing here is
 * readable by customers.
 */
export interface Suspension { web: boolean; sftp: boolean; db: boolean; cron: boolean }
export interface AccountRecord { username: string; state: 'active' | 'suspended'; plan: HostingPlanLimits; suspension: Suspension; createdAt: string }
export interface SiteRecord {
  username: string; id: string; domain: string; aliases: string[]; docroot: string;
  php: { version: string; maxChildren: number } | null;
  tls: { forceHttps: boolean } | null;
  state: 'active' | 'suspended';
}

export function stateDir(env: AgentEnv): string {
  return env.stateDir ?? '/var/lib/mpanel-agent';
}
export const certDir = (env: AgentEnv) => join(stateDir(env), 'certs');

async function readJson<T>(path: string): Promise<T | null> {
  const text = await readIfExists(path);
  return text === null ? null : (JSON.parse(text) as T);
}

async function writeJson(env: AgentEnv, sub: string, name: string, value: unknown): Promise<void> {
  await ensureDir(stateDir(env), 0o700);
  await ensureDir(join(stateDir(env), sub), 0o700);
  await atomicWrite(join(stateDir(env), sub, `${name}.json`), JSON.stringify(value, null, 2), 0o600);
}

export const readAccount = (env: AgentEnv, username: string) => readJson<AccountRecord>(join(stateDir(env), 'accounts', `${username}.json`));
export const writeAccount = (env: AgentEnv, record: AccountRecord) => writeJson(env, 'accounts', record.username, record);
export const deleteAccount = (env: AgentEnv, username: string) => rm(join(stateDir(env), 'accounts', `${username}.json`), { force: true });

export const readSite = (env: AgentEnv, siteId: string) => readJson<SiteRecord>(join(stateDir(env), 'sites', `${siteId}.json`));
export const writeSite = (env: AgentEnv, record: SiteRecord) => writeJson(env, 'sites', record.id, record);
export const deleteSite = (env: AgentEnv, siteId: string) => rm(join(stateDir(env), 'sites', `${siteId}.json`), { force: true });

/** Which database a resource id stands for, so a remove by id (all the panel keeps) finds it. */
export interface DatabaseRecord { id: string; username: string; name: string; user: string }
export const readDatabase = (env: AgentEnv, id: string) => readJson<DatabaseRecord>(join(stateDir(env), 'databases', `${id}.json`));
export const writeDatabase = (env: AgentEnv, record: DatabaseRecord) => writeJson(env, 'databases', record.id, record);
export const deleteDatabase = (env: AgentEnv, id: string) => rm(join(stateDir(env), 'databases', `${id}.json`), { force: true });

async function listJson<T>(dir: string): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const records = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readJson<T>(join(dir, n))));
  return records.filter((r): r is Awaited<T> & T => r !== null);
}

export const listAccounts = (env: AgentEnv) => listJson<AccountRecord>(join(stateDir(env), 'accounts'));
export const listSites = async (env: AgentEnv, username?: string) =>
  (await listJson<SiteRecord>(join(stateDir(env), 'sites'))).filter((s) => username === undefined || s.username === username);
