import { fileURLToPath } from 'node:url';

/** The repository root and the admin UI's build output. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const UI_DIST = fileURLToPath(new URL('../../../admin-ui/dist/', import.meta.url));
