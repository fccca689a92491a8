import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pluginsWithUi, uiBundleMissing } from '@mpanel/sdk/vite';
import type { Logger } from '../logger.ts';
import { REPO_ROOT, UI_DIST } from './paths.ts';

const run = promisify(execFile);

export const uiBuilt = (dist = UI_DIST): boolean => existsSync(join(dist, 'index.html')) && existsSync(join(dist, 'client', 'index.html'));

/**
 * Builds the admin UI when its build is missing (a fresh clone after `npm ci`), so `npm start`
 * serves it without a separate step. A failed build is logged; the API keeps working.
 */
export async function ensureUiBuilt(logger: Logger): Promise<boolean> {
  if (uiBuilt()) return true;
  logger.info('admin UI build missing: building it (npm run build -w @mpanel/admin-ui)');
  try {
    await run('npm', ['run', 'build', '-w', '@mpanel/admin-ui'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    logger.warn({ err }, 'admin UI build failed; /admin and /client are unavailable');
    return false;
  }
  return uiBuilt();
}

/**
 * Builds the in-repo plugin UIs whose bundle is missing (`prepare` builds them on `npm ci`; this
 * covers an install that skipped scripts or a `dist/` deleted since). A failed build is logged:
 * that plugin's screens show the host's "failed to load" notice, the rest works.
 */
export async function ensurePluginUisBuilt(logger: Logger, pluginsDir = join(REPO_ROOT, 'plugins')): Promise<string[]> {
  const missing = pluginsWithUi(pluginsDir).filter(uiBundleMissing);
  if (!missing.length) return [];
  logger.info({ plugins: missing }, 'plugin UI bundles missing: building them (mpanel plugin:build)');
  try {
    await run(process.execPath, [join(REPO_ROOT, 'bin', 'mpanel.js'), 'plugin:build', ...missing], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    logger.warn({ err }, 'plugin UI build failed; those plugins show a notice instead of their screens');
  }
  return missing.filter((dir) => !uiBundleMissing(dir));
}
