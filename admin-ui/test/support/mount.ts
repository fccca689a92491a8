/**
 * Mounts a component the way the app runs it: the app's i18n (real English messages), PrimeVue
 * without a theme (no style injection) and a router on memory history, so components that read
 * or write the URL query work and tests can inspect it.
 */
import './dom.ts'; // first: the DOM globals must exist before Vue is imported
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { Component } from 'vue';
import { i18n } from '../../src/shared/i18n.ts';
import { useDomGlobals } from './dom.ts';

export { flushPromises } from '@vue/test-utils';

const mounted: Array<{ unmount(): void }> = [];

/** Call inside a component suite's `describe`: a DOM during its tests, and what a test mounted is unmounted after it. */
export function useDom(): void {
  afterEach(() => {
    for (const wrapper of mounted.splice(0)) wrapper.unmount();
  });
  useDomGlobals();
}

/** A router whose every path renders nothing: enough for RouterLink and query state. */
export async function memoryRouter(at = '/'): Promise<Router> {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)*', component: { render: () => null } }] });
  await router.push(at);
  await router.isReady();
  return router;
}

export async function mountWithApp<C extends Component>(component: C, options: ComponentMountingOptions<C> & { router?: Router } = {}) {
  const { router = await memoryRouter(), global, ...rest } = options;
  const wrapper = mount(component, {
    ...rest,
    attachTo: document.body,
    global: { ...global, plugins: [i18n, [PrimeVue, { theme: 'none' }], router, ...(global?.plugins ?? [])] },
  } as ComponentMountingOptions<C>);
  mounted.push(wrapper);
  return wrapper;
}
