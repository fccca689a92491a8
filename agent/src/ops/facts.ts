import { networkInterfaces } from 'node:os';
import { statfs } from 'node:fs/promises';
import type { Op } from './types.ts';
import { readIfExists } from './files.ts';
import { nginxVersion } from './nginx.ts';
import { fpmVersion } from './fpm.ts';
import { mariadbVersion } from './mariadb.ts';

/** What the server reports at enrollment and on "Test connection": versions, addresses, free disk. */
const facts: Op<Record<string, never>> = {
  name: 'server.facts',
  async run(ctx) {
    const { env } = ctx;
    const osRelease = (await readIfExists('/etc/os-release')) ?? '';
    const os = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? process.platform;
    const [nginx, php, mariadb] = await Promise.all([
      ctx.step('nginx', () => nginxVersion(env)),
      ctx.step('php-fpm', () => fpmVersion(env)),
      ctx.step('mariadb', () => mariadbVersion(env)),
    ]);
    const ips = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address);
    const fs = await statfs(env.homeRoot).catch(() => statfs('/'));
    return { os, nginx, php: php ? [php] : [], mariadb, ips, diskFreeMb: Math.floor((fs.bavail * fs.bsize) / 1048576) };
  },
};

export const factOps = [facts];
