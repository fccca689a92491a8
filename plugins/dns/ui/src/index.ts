/**
 * DNS screens (admin and portal): the zones list, the zone editor (records, DNSSEC, history,
 * import/export) and, for staff, zone templates. The API scopes what each user sees: clients get
 * their own account's zones, and NS/PTR rows are read-only for them.
 */
import { defineUiPlugin, type UiRoute } from '@mpanel/sdk/ui';
import { setDnsHost } from './host.ts';

const ZONES: UiRoute[] = [
  { path: '/dns', title: 'DNS zones', component: () => import('./ZonesView.vue'), permission: 'dns.zones.read' },
  { path: '/dns/:id', title: 'DNS zone', component: () => import('./ZoneEditor.vue'), permission: 'dns.zones.read' },
];

export default defineUiPlugin({
  id: 'dns',
  setup(host) {
    setDnsHost(host);
    if (host.area === 'admin') {
      for (const route of ZONES) host.addRoute(route);
      host.addRoute({ path: '/dns-templates', title: 'Zone templates', component: () => import('./TemplatesView.vue'), permission: 'dns.templates.read' });
      host.addMenuItem({ id: 'dns-zones', label: 'DNS zones', to: '/dns', group: 'hosting', order: 60, permission: 'dns.zones.read' });
      host.addMenuItem({ id: 'dns-templates', label: 'Zone templates', to: '/dns-templates', group: 'hosting', order: 61, permission: 'dns.templates.read' });
    } else if (host.area === 'portal') {
      for (const route of ZONES) host.addRoute(route);
      host.addMenuItem({ id: 'dns-zones', label: 'DNS', to: '/dns', group: 'portal', order: 60, permission: 'dns.zones.read' });
    }
  },
});
