import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0/2.1 level A and AA: labelled controls, names, roles, keyboard traps, contrast. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The little of the browser's globals read here (this project compiles without DOM types). */
interface AnimatedDocument {
  document: { getAnimations(): Array<{ playState: string; effect: { getTiming(): { iterations?: number } } | null }> };
}

/**
 * axe-core's findings on the page as `rule: target` lines (empty when clean). The engine is
 * evaluated through the DevTools protocol, which the page's CSP does not govern, so the page
 * under test keeps its real policy.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // A dialog or toast still fading in has half-transparent text: contrast is judged once finite
  // animations and transitions are over (a spinner's infinite one never is).
  await page.waitForFunction(() => (globalThis as unknown as AnimatedDocument).document.getAnimations()
    .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity), undefined, { timeout: 10_000 });
  if (!(await page.evaluate(`'axe' in window`))) await page.evaluate(AXE_SOURCE);
  // Browser code as a string: this project compiles without DOM types.
  return (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} } })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' '))))`)) as string[];
}
