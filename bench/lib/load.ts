import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LoadResult, Target } from './types.ts';

const require = createRequire(import.meta.url);
const AUTOCANNON = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

export type AutocannonResult = Omit<LoadResult, 'cpuMicrosPerRequest'>;

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Loads `baseUrl + target.path` for `seconds` from a second process (autocannon), so the load
 * generator never competes with the server for its event loop.
 */
export function runLoad(baseUrl: string, target: Target, connections: number, seconds: number): Promise<AutocannonResult> {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(connections), '-d', String(seconds)];
  for (const [k, v] of Object.entries(target.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(baseUrl + target.path);

  return new Promise<AutocannonResult>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`autocannon exited with ${code}: ${stderr || stdout}`));
        return;
      }
      const out = JSON.parse(line) as AutocannonJson;
      resolve({
        requestsPerSecond: out.requests.average,
        p50: out.latency.p50,
        p99: out.latency.p99,
        requests: out.requests.total,
        failures: out.non2xx + out.errors + out.timeouts,
      });
    });
  });
}
