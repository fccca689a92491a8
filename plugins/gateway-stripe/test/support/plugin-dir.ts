import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A plugins folder holding gateway-stripe and the stand-in billing plugin. The loader runs a
 * plugin's migrations only when it comes from a folder (inline definitions have none).
 */
export function pluginDirectory(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-stripe-plugins-'));
  symlinkSync(fileURLToPath(new URL('../..', import.meta.url)), join(dir, 'gateway-stripe'));
  symlinkSync(fileURLToPath(new URL('./stub-billing', import.meta.url)), join(dir, 'billing'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
