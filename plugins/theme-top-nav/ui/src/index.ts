// The top-nav portal theme: a fill of the platform's portal theme slot that renders its layout
// styles only when the tenant selected this theme. Built by `mpanel plugin:build theme-top-nav`.
import { defineComponent, h } from 'vue';
import { defineUiPlugin, platformSlots } from '@mpanel/sdk/ui';

export const THEME_ID = 'top-nav';

/** The shell's menu as a bar under the header (the shell's own class names). */
const CSS = `
html[data-mp-theme="top-nav"] .mp-shell { grid-template-columns: 1fr; grid-template-rows: auto auto 1fr auto; }
html[data-mp-theme="top-nav"] .mp-nav { display: flex; flex-wrap: wrap; gap: 16px; border-right: 0; border-bottom: 1px solid var(--mp-border); }
html[data-mp-theme="top-nav"] .mp-nav section { display: flex; align-items: center; gap: 4px; }
html[data-mp-theme="top-nav"] .mp-nav ul { display: flex; gap: 4px; }
`;

const TopNavTheme = defineComponent({
  name: 'TopNavTheme',
  props: { theme: { type: String, required: true } },
  setup(props) {
    return () => (props.theme === THEME_ID ? h('style', { 'data-mp-theme-styles': THEME_ID }, CSS) : null);
  },
});

export default defineUiPlugin({
  id: 'theme-top-nav',
  setup(host) {
    if (host.area !== 'portal') return;
    host.fill(platformSlots.portalTheme, { id: THEME_ID, component: TopNavTheme });
  },
});
