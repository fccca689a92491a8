import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A plugins folder holding the real billing plugin and gateway-stripe (the loader runs a plugin's
 * migrations only when it comes from a folder; inline definitions have none).
 */
export function pluginDirectory(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-stripe-plugins-'));
  for (const name of ['billing', 'gateway-stripe']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
