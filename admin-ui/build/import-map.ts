import type { Plugin } from 'vite';
import { SHARED_MODULES, hasDefaultExport } from '../../sdk/src/vite/shared-modules.ts'; // relative: Vite bundles the config's own files, a package import would load .ts

const PREFIX = '\0mpanel-shared:';
const VIRTUAL = 'virtual:mpanel-shared/';

/** The rollup input name of a shared module: `shared-vue`, `shared-primevue-button`, ... */
export const entryName = (id: string): string => `shared-${id.replace(/^@/, '').replace(/[^a-z0-9]+/gi, '-')}`;

/** Inputs to add to the build: one virtual entry per shared module. */
export function sharedInputs(): Record<string, string> {
  return Object.fromEntries(SHARED_MODULES.map((id) => [entryName(id), VIRTUAL + id]));
}

/**
 * Emits each shared module as an entry chunk re-exporting the host's copy, and writes an import map
 * naming those chunks into every HTML page, before any module script (the browser needs the map
 * before the first module import).
 */
export function importMapPlugin(): Plugin {
  return {
    name: 'mpanel-import-map',
    resolveId(source) {
      return source.startsWith(VIRTUAL) ? PREFIX + source.slice(VIRTUAL.length) : undefined;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return undefined;
      const target = id.slice(PREFIX.length);
      const lines = [`export * from '${target}';`];
      if (hasDefaultExport(target)) lines.push(`export { default } from '${target}';`);
      return lines.join('\n');
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return undefined; // dev server: modules are served unbundled
        const base = ctx.server?.config.base ?? '/admin/';
        const imports: Record<string, string> = {};
        for (const chunk of Object.values(ctx.bundle)) {
          if (chunk.type !== 'chunk' || !chunk.isEntry || !chunk.facadeModuleId?.startsWith(PREFIX)) continue;
          imports[chunk.facadeModuleId.slice(PREFIX.length)] = base + chunk.fileName;
        }
        return [{ tag: 'script', attrs: { type: 'importmap' }, children: JSON.stringify({ imports }), injectTo: 'head-prepend' }];
      },
    },
  };
}
