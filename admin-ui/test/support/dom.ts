/**
 * A happy-dom window for component tests, present only while those tests run: the rest of the
 * suite shares the process, and some of it changes behaviour when `window` exists (PGlite's
 * Emscripten runtime takes `globalThis.window` to mean "browser").
 *
 * Vue's DOM renderer keeps a reference to `document` when it is first imported, so this module
 * installs the globals as it loads (import it before `vue`: every component test imports
 * `./support/mount.ts`, which does) and a root-level `before` hook takes them away again before
 * the first test of the whole run; `useDom()` puts them back around each component suite.
 * Only names Node lacks are added (Node's own fetch, Response, URL, timers... stay).
 *
 * Mocha first tries to `require()` a spec (which stops at the first `.vue` import) and then
 * `import()`s it, so this file can run twice: the window lives on globalThis to be made once.
 */
import { Window } from 'happy-dom';

interface TestDom { window: Window; names: string[] }
const KEY = Symbol.for('mpanel.admin-ui.test-dom');
const globals = globalThis as unknown as Record<string | symbol, unknown>;

function createDom(): TestDom {
  const window = new Window({ url: 'http://localhost/admin/' });
  return { window, names: Object.getOwnPropertyNames(window).filter((name) => !(name in globalThis)) };
}
const firstRun = !globals[KEY];
const dom = (globals[KEY] ??= createDom()) as TestDom;
const { window, names } = dom;

function installDom(): void {
  const source = window as unknown as Record<string, unknown>;
  for (const name of names) Object.defineProperty(globalThis, name, { value: source[name], configurable: true, writable: true });
}
function removeDom(): void {
  for (const name of names) delete globals[name];
}

if (firstRun) {
  installDom();
  before(removeDom); // root level: runs before the first test of the whole run
}

/** Call inside a component suite's `describe`: the DOM globals exist during its tests, and each test starts with an empty body. */
export function useDomGlobals(): void {
  before(installDom);
  afterEach(() => {
    window.document.body.innerHTML = '';
  });
  after(removeDom);
}
