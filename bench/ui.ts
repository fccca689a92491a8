/**
 * `npm run bench:ui`: builds the admin UI and the plugin UIs and reports the JavaScript each route
 * loads (gzip), from Vite's chunk manifests: the page's entry with its static imports, plus, for
 * signed-in routes, the layout, the UI kit, the realtime client, the route's lazy view and every
 * plugin's UI entry (the host imports each one on a signed-in page) with the shared host modules
 * those import. Each lazily loaded plugin component (a page, a tab, a panel) is counted on top of
 * the heaviest host route, as if it opened there.
 * Budgets: login ≤ 100 KB gzip; no route over 250 KB gzip; no chunk over 500 KB uncompressed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pluginBundles } from './ui-plugins.ts';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const DIST = 'admin-ui/dist';
const KB = 1024;
const BUDGET = { loginGzip: 100 * KB, routeGzip: 250 * KB, chunkRaw: 500 * KB };

if (process.env.BENCH_SKIP_BUILD !== '1') {
  execFileSync('npm', ['run', 'build', '-w', '@mpanel/admin-ui'], { stdio: 'ignore' });
  execFileSync(process.execPath, ['bin/mpanel.js', 'plugin:build', '--all'], { stdio: 'ignore' });
}
const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
const gz = new Map<string, number>();
const gzipOf = (file: string) => {
  // Plugin files are absolute paths; host files are relative to the host's dist.
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(isAbsolute(file) ? file : join(DIST, file))).length);
  return gz.get(file)!;
};

/** The files a module loads before it runs: itself and its static imports, transitively. */
function closure(key: string, into = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const imp of chunk.imports ?? []) closure(imp, into);
  return into;
}
const keyOf = (pattern: RegExp) => {
  const key = Object.keys(manifest).find((k) => pattern.test(k));
  if (!key) throw new Error(`no chunk matches ${pattern}`);
  return key;
};

// A signed-in page also loads its layout, the UI kit (installed before the first signed-in page)
// and the realtime client.
type Area = 'admin' | 'client';
const ENTRY: Record<Area, string> = { admin: 'index.html', client: 'client/index.html' };
const LAYOUT: Record<Area, RegExp> = { admin: /AdminLayout\.vue$/, client: /PortalLayout\.vue$/ };
const signedIn = (area: Area) => [ENTRY[area], keyOf(LAYOUT[area]), keyOf(/shared\/kit\.ts$/), keyOf(/socket\.io-client/)];

/**
 * Route labels read from the router sources: the first `path: '…'` on the line that names a view.
 * Only labels come from here; which views exist comes from the build, so a new screen is measured
 * even if this lookup misses it.
 */
function pathsOf(area: Area): Map<string, string> {
  const source = readFileSync(`admin-ui/src/${area === 'admin' ? 'admin' : 'portal'}/router.ts`, 'utf8');
  const paths = new Map<string, string>();
  for (const line of source.split('\n')) {
    const path = /path: '([^']*)'/.exec(line)?.[1];
    const view = /(\w+)\.vue'\)|\('(\w+View)'\)/.exec(line);
    const name = view?.[1] ?? view?.[2];
    if (path !== undefined && name && !paths.has(name)) paths.set(name, path);
  }
  return paths;
}
const GENERIC: Record<string, string> = { ListPage: '<list screens>', CreatePage: '<x>/new' };
const base = (area: Area) => (area === 'admin' ? '/admin/' : '/client/');

/** Every screen the router loads lazily, with what a first visit to it downloads. */
const routes: Array<{ route: string; keys: string[] }> = (['admin', 'client'] as const).flatMap((area) => {
  const labels = pathsOf(area);
  const views = (manifest[ENTRY[area]]!.dynamicImports ?? []).filter((key) => key.endsWith('.vue') && !LAYOUT[area].test(key));
  return [
    { route: `${base(area)}login`, keys: [ENTRY[area]] },
    ...views.map((key) => {
      const name = key.split('/').pop()!.replace(/\.vue$/, '');
      const path = GENERIC[name] ?? labels.get(name) ?? `<${name}>`;
      return { route: `${base(area)}${path || ' (dashboard)'}`, keys: [...signedIn(area), key] };
    }),
  ];
});

const plugins = pluginBundles();
/** Host manifest keys of the shared modules plugin files import (`vue`, `primevue/button`...). */
const sharedKeys = (ids: Iterable<string>) => [...ids].map((id) => `mpanel-shared:${id}`).filter((key) => manifest[key]);
const pluginEntries = plugins.flatMap((p) => [...p.entry]);
const pluginShared = sharedKeys(plugins.flatMap((p) => [...p.shared]));

/** The files of a route: its host keys (with static imports), plus every plugin entry when signed in. */
function filesOf(route: string, keys: string[], extra: Iterable<string> = []): Set<string> {
  const files = new Set<string>();
  for (const key of keys) closure(key, files);
  if (!route.endsWith('/login')) {
    for (const key of pluginShared) closure(key, files);
    for (const file of [...pluginEntries, ...extra]) files.add(file);
  }
  return files;
}
const jsGzip = (files: Set<string>) => [...files].filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipOf(f), 0);

const fmt = (n: number) => `${(n / KB).toFixed(1)} KB`;
const failures: string[] = [];
process.stdout.write(`route (+ ${plugins.length} plugin UI entries when signed in)   JS gzip    files\n`);
let heaviest = { route: '', keys: [] as string[], total: 0 };
function report(route: string, files: Set<string>): void {
  const total = jsGzip(files);
  process.stdout.write(`${route.padEnd(44)}${fmt(total).padStart(9)}  ${files.size}\n`);
  const limit = route.endsWith('/login') ? BUDGET.loginGzip : BUDGET.routeGzip;
  if (total > limit) failures.push(`${route}: ${fmt(total)} gzip > ${fmt(limit)}`);
}
for (const { route, keys } of routes) {
  const files = filesOf(route, keys);
  report(route, files);
  if (!route.endsWith('/login') && jsGzip(files) > heaviest.total) heaviest = { route, keys, total: jsGzip(files) };
}
// A plugin's lazy components (pages, tabs, panels) with the shared modules they import, on the heaviest route.
for (const plugin of plugins) {
  for (const { name, files } of plugin.lazy) {
    const extra = new Set(files);
    for (const key of sharedKeys(plugin.shared)) closure(key, extra);
    report(`${heaviest.route} + ${plugin.id}/${name}`, filesOf(heaviest.route, heaviest.keys, extra));
  }
}

const pluginFiles = plugins.flatMap((p) => [...p.entry, ...p.lazy.flatMap((l) => [...l.files])]);
const chunks = [...readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`), ...new Set(pluginFiles)];
const sizes = chunks.map((f) => ({ f, raw: readFileSync(isAbsolute(f) ? f : join(DIST, f)).length })).sort((a, b) => b.raw - a.raw);
process.stdout.write(`\nlargest chunks (of ${chunks.length}):\n`);
const shortName = (f: string) => (isAbsolute(f) ? f.replace(/^.*\/plugins\//, 'plugins/') : f.slice('assets/'.length));
for (const { f, raw } of sizes.slice(0, 6)) process.stdout.write(`  ${shortName(f).padEnd(48)}${fmt(raw).padStart(10)} raw ${fmt(gzipOf(f)).padStart(9)} gzip\n`);
for (const { f, raw } of sizes) if (raw > BUDGET.chunkRaw) failures.push(`chunk ${shortName(f)}: ${fmt(raw)} > ${fmt(BUDGET.chunkRaw)}`);
process.stdout.write(`\nplugin UIs (${plugins.length}):\n`);
for (const p of plugins) process.stdout.write(`  ${p.id.padEnd(24)} entry ${fmt(jsGzip(p.entry)).padStart(9)} gzip, ${p.lazy.length} lazy: ${p.lazy.map((l) => `${l.name} ${fmt(jsGzip(l.files))}`).join(', ') || '-'}\n`);

process.stdout.write(failures.length ? `\nOVER BUDGET:\n${failures.map((x) => `  ${x}`).join('\n')}\n` : '\nAll within budget (login ≤ 100 KB gzip, routes ≤ 250 KB gzip, chunks ≤ 500 KB raw).\n');
process.exitCode = failures.length ? 1 : 0;
