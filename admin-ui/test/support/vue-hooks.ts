/**
 * Node module hooks (run by `register.ts`) that let mocha import the admin UI's single-file
 * components the way Vite would, minus the bundler:
 * - `.vue`: `<script setup lang="ts">` and its template are compiled by @vue/compiler-sfc into one
 *   ES module (the template is inlined as the setup's render function), then TypeScript's own
 *   transpiler strips the types (compiler-sfc keeps them; Vite strips them in a later step).
 *   `<style>` blocks are dropped: the DOM in tests has no layout to style.
 * - `.css` imports become empty modules.
 * The components use nothing else of Vite's (no `import.meta.env`, no `?url`/`?raw` imports).
 * This file is TypeScript itself: it is loaded through tsx's hooks, which mocha registers first.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

interface LoadContext { format?: string | null | undefined }
interface LoadResult { format?: string | null | undefined; source?: string | ArrayBuffer | Uint8Array | null | undefined; shortCircuit?: boolean }
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

/** Compilers load with the first `.vue` file: a run without component tests never pays for them. */
async function compileSfc(source: string, filename: string): Promise<string> {
  const [{ compileScript, parse }, { default: ts }] = await Promise.all([import('vue/compiler-sfc'), import('typescript')]);
  const { descriptor, errors } = parse(source, { filename });
  if (errors.length) throw new Error(`${filename}: ${errors.map(String).join('; ')}`);
  if (!descriptor.scriptSetup) throw new Error(`${filename}: only <script setup> components are supported in tests`);
  // The scope id scoped styles and CSS v-bind would use; stable per file.
  const id = createHash('sha256').update(filename).digest('hex').slice(0, 8);
  const script = compileScript(descriptor, { id, inlineTemplate: true, sourceMap: false, genDefaultAs: '_sfc_main' });
  const code = `${script.content}\nexport default _sfc_main;\n`;
  return ts.transpileModule(code, {
    fileName: `${filename}.ts`,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
  }).outputText;
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  const path = url.startsWith('file:') ? new URL(url).pathname : '';
  if (path.endsWith('.vue')) {
    const filename = fileURLToPath(url);
    return { format: 'module', source: await compileSfc(await readFile(filename, 'utf8'), filename), shortCircuit: true };
  }
  if (path.endsWith('.css')) return { format: 'module', source: '', shortCircuit: true };
  return nextLoad(url, context);
}
