// The white-label plugin's browser side: the staff "Brand" screen (settings with a live preview).
// Built by `mpanel plugin:build white-label` into ui/dist/index.js.
import { defineUiPlugin } from '@mpanel/sdk/ui';

export default defineUiPlugin({
  id: 'white-label',
  setup(host) {
    if (host.area !== 'admin') return;
    host.addRoute({ path: 'brand', component: () => import('./BrandSettings.vue'), permission: 'white-label.read' });
    host.addMenuItem({ id: 'brand', label: 'Brand', to: 'brand', group: 'platform', order: 60, permission: 'white-label.read' });
  },
});
