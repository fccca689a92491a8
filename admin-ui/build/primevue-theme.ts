import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { SHARED_MODULES } from '../../sdk/src/vite/shared-modules.ts'; // relative: Vite bundles the config's own files, a package import would load .ts

/** `import 'virtual:primevue-theme.css'`: the Aura theme of every PrimeVue component the UI can show. */
export const THEME_MODULE = 'virtual:primevue-theme.css';
const RESOLVED = '\0primevue-theme.css';
/** What the browser gets for `@primeuix/styles/<component>`: the stylesheet already has those rules. */
const NO_STYLE = '\0primeuix-styles-built';

/** The theme options the kit used to pass to PrimeVue at run time; now applied here, at build time. */
export const THEME_OPTIONS = { darkModeSelector: '.mp-dark', cssLayer: false };

const require = createRequire(import.meta.url);
const IMPORT = /['"]primevue\/([a-z]+)['"]/g;

/** `primevue/<name>` ids in the app's own sources (the host's components and views). */
function importedBy(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...importedBy(path));
    else if (/\.(ts|vue)$/.test(entry.name)) for (const m of readFileSync(path, 'utf8').matchAll(IMPORT)) found.push(m[1]!);
  }
  return found;
}

/**
 * The components to theme: those the app imports, those plugins can import (the shared ones) and,
 * transitively, the PrimeVue components and directives they render (DataTable's paginator, ...).
 * Only names with a style module are kept (config, usetoast, ... have none).
 */
export function themedComponents(srcDir: string): string[] {
  const roots = [...importedBy(srcDir), ...SHARED_MODULES.filter((id) => id.startsWith('primevue/')).map((id) => id.slice('primevue/'.length))];
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const source = readFileSync(require.resolve(`primevue/${name}`).replace(/index\.c?js$/, 'index.mjs'), 'utf8');
    for (const m of source.matchAll(IMPORT)) todo.push(m[1]!);
  }
  const styled = (name: string) => existsSync(require.resolve(`primevue/${name}`).replace(/index\.(c?js|mjs)$/, 'style/index.mjs'));
  return [...seen].filter(styled).sort();
}

interface StyleModule {
  name: string;
  style?: unknown;
  getCommonTheme(): { primitive?: { css?: string }; semantic?: { css?: string }; global?: { css?: string }; style?: unknown } | undefined;
  getComponentTheme(): { css?: string; style?: unknown } | undefined;
  getLayerOrderThemeCSS(): string;
}

/**
 * The CSS PrimeVue's styled mode would inject at run time (design-token variables, then each
 * component's rules), made once in Node from the same functions, in the same order. The browser
 * then parses one stylesheet instead of evaluating the preset and building CSS strings on the main
 * thread before the first signed-in paint.
 */
export async function themeCss(components: string[]): Promise<string> {
  const { Theme, css } = await import('@primeuix/styled');
  const { minifyCSS } = await import('@primeuix/utils/object');
  const { default: Aura } = await import('@primeuix/themes/aura');
  const { default: BaseStyle } = (await import('@primevue/core/base/style')) as unknown as { default: StyleModule };
  Theme.setTheme({ preset: Aura, options: THEME_OPTIONS });
  /** A style value (CSS text or a function of the design tokens) as CSS text. */
  const text = (style: unknown): string => css`${style}` ?? '';
  const common = BaseStyle.getCommonTheme() ?? {};
  const parts = [common.primitive?.css, common.semantic?.css, common.global?.css, Theme.transformCSS('global-style', text(BaseStyle.style) + text(common.style))];
  for (const name of components) {
    const { default: style } = (await import(`primevue/${name}/style`)) as { default: StyleModule };
    const theme = style.getComponentTheme() ?? {};
    parts.push(theme.css, Theme.transformCSS(`${style.name}-style`, text(style.style) + text(theme.style)));
  }
  parts.push(BaseStyle.getLayerOrderThemeCSS());
  return parts
    .filter((part): part is string => Boolean(part))
    .map((part) => minifyCSS(part))
    .join('\n');
}

/**
 * Serves the prebuilt theme as a CSS module, so Vite bundles it with the chunk that imports it, and
 * drops the rule templates PrimeVue's components would otherwise carry to the browser (about half
 * of the shared primevue chunk) — with `theme: 'none'` they are never read there.
 */
export function primeVueThemePlugin(srcDir: string): Plugin {
  return {
    name: 'mpanel-primevue-theme',
    // Before Vite's resolver, which would find the real @primeuix/styles files first.
    enforce: 'pre',
    resolveId: {
      filter: { id: /^(virtual:primevue-theme\.css|@primeuix\/styles\/[a-z]+)$/ },
      handler: (source) => (source === THEME_MODULE ? RESOLVED : NO_STYLE),
    },
    load: {
      filter: { id: /^\0(primevue-theme\.css|primeuix-styles-built)$/ },
      handler: async (id) => (id === RESOLVED ? themeCss(themedComponents(srcDir)) : `export const style = '';`),
    },
  };
}
