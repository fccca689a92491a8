import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import assert from 'node:assert/strict';
import { defineComponent, h, type Component } from 'vue';
import PluginBoundary from '../src/shared/components/PluginBoundary.vue';

const Crashing = defineComponent({
  setup() {
    return () => {
      throw new Error('kaboom');
    };
  },
});
const Greeting = defineComponent({ props: { who: { type: String, default: 'nobody' } }, setup: (props) => () => h('p', { class: 'greeting' }, `Hello ${props.who}`) });

describe('admin-ui PluginBoundary', () => {
  useDom();
  const warnings: unknown[][] = [];
  const warn = console.warn;
  beforeEach(() => {
    warnings.length = 0;
    console.warn = (...args: unknown[]) => warnings.push(args);
  });
  afterEach(() => {
    console.warn = warn;
  });

  it('a plugin component that throws while rendering becomes a notice; the rest of the page renders', async () => {
    const appErrors: unknown[] = [];
    const Page = defineComponent({
      components: { PluginBoundary },
      setup: () => ({ Crashing, Greeting }),
      template: `<div>
        <PluginBoundary plugin-id="broken" :component="Crashing" />
        <p class="core">Core content</p>
        <PluginBoundary plugin-id="fine" :component="Greeting" :component-props="{ who: 'admin' }" />
      </div>`,
    });
    const w = await mountWithApp(Page, { global: { config: { errorHandler: (err) => appErrors.push(err) } } });
    await flushPromises();
    assert.equal(w.get('[data-plugin-error="broken"]').text(), 'The plugin "broken" could not be shown: kaboom');
    assert.equal(w.get('.core').text(), 'Core content');
    assert.equal(w.get('.greeting').text(), 'Hello admin');
    assert.equal(w.find('[data-plugin-error="fine"]').exists(), false);
    assert.deepEqual(appErrors, [], 'handled by the boundary, not the app');
    assert.match(String(warnings[0]?.[0]), /plugin "broken"/);
  });

  it('resolves a lazy component (a module with a default export) and passes it the props', async () => {
    const w = await mountWithApp(PluginBoundary, { props: { pluginId: 'lazy', component: () => Promise.resolve({ default: Greeting }), componentProps: { who: 'lazy' } } });
    await flushPromises();
    assert.equal(w.get('.greeting').text(), 'Hello lazy');
  });

  it('a lazy component that fails to load, or loads nothing, is a notice', async () => {
    const failing = await mountWithApp(PluginBoundary, { props: { pluginId: 'gone', component: () => Promise.reject(new Error('404 chunk')) } });
    const empty = await mountWithApp(PluginBoundary, { props: { pluginId: 'empty', component: () => Promise.resolve({ default: null }) } });
    await flushPromises();
    assert.equal(failing.get('[data-plugin-error="gone"]').text(), 'The plugin "gone" could not be shown: 404 chunk');
    assert.equal(empty.get('[data-plugin-error="empty"]').text(), 'The plugin "empty" could not be shown: no component');
  });

  it('gives up on a component that never loads after the timeout', async () => {
    const w = await mountWithApp(PluginBoundary, { props: { pluginId: 'slow', component: () => new Promise<never>(() => {}), timeoutMs: 20 } });
    await flushPromises();
    assert.equal(w.find('[data-plugin-error]').exists(), false, 'still loading');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await flushPromises();
    assert.equal(w.get('[data-plugin-error="slow"]').text(), 'The plugin "slow" could not be shown: timed out');
  });

  it('shows the component it was last given when an earlier one finishes loading later', async () => {
    let releaseOld!: (c: Component) => void;
    const Old = defineComponent({ setup: () => () => h('p', { class: 'old' }, 'old') });
    const w = await mountWithApp(PluginBoundary, { props: { pluginId: 'p', component: () => new Promise<Component>((resolve) => { releaseOld = resolve; }) } });
    await w.setProps({ component: Greeting, componentProps: { who: 'new' } });
    await flushPromises();
    releaseOld(Old);
    await flushPromises();
    assert.equal(w.find('.old').exists(), false);
    assert.equal(w.get('.greeting').text(), 'Hello new');
  });
});
