import { join } from 'node:path';
import type { AgentEnv } from './types.ts';
import { certDir, type SiteRecord } from './state.ts';

/** Where each managed thing lives. Names are built only from validated usernames and ids. */
export const homeOf = (env: AgentEnv, username: string) => join(env.homeRoot, username);
export const vhostFile = (env: AgentEnv, site: Pick<SiteRecord, 'username' | 'id'>) => join(env.nginx.sitesDir, `${site.username}--${site.id}.conf`);
export const acmeDir = (env: AgentEnv, siteId: string) => join(env.acmeRoot, siteId);
export const acmeTokenDir = (env: AgentEnv, siteId: string) => join(acmeDir(env, siteId), '.well-known', 'acme-challenge');
export const certFile = (env: AgentEnv, siteId: string) => join(certDir(env), `${siteId}.crt`);
export const keyFile = (env: AgentEnv, siteId: string) => join(certDir(env), `${siteId}.key`);
export const FASTCGI_PARAMS = '/etc/nginx/fastcgi_params';
