// Logic only, no DOM; the import still comes first because it must precede Vue's (see support/dom.ts).
import './support/dom.ts';
import assert from 'node:assert/strict';
import { setPermissions } from '@mpanel/sdk/ui';
import { menuSections } from '../src/shared/menu.ts';
import { addMenu, extensions, resetExtensions } from '../src/shared/extensions.ts';
import { ADMIN_GROUPS, ADMIN_NAV, permissionOf } from '../src/admin/nav.ts';
import { PORTAL_GROUPS, PORTAL_NAV } from '../src/portal/nav.ts';
// Billing's entries as its UI module adds them (the menu's plugin group).
import { ADMIN_MENU, PORTAL_MENU } from '../../plugins/billing/ui/src/nav.ts';

const addBilling = (items = ADMIN_MENU) => items.forEach((item) => addMenu('billing', item));

const shown = (core = ADMIN_NAV, groups = ADMIN_GROUPS) =>
  menuSections(core, extensions.menu, groups).map((s) => [s.group, s.entries.map((e) => e.id)]);
const allAdminPermissions = ADMIN_NAV.flatMap((e) => (e.permission ? [e.permission] : []));

describe('admin-ui menu: entries by permission', () => {
  afterEach(() => {
    setPermissions([]);
    resetExtensions();
  });

  it('shows only the screens the user may open, groups without any left out', () => {
    addBilling();
    setPermissions(['clients.read', 'invoices.read']);
    assert.deepEqual(shown(), [
      ['overview', ['dashboard']],
      ['billing', ['billing:clients', 'billing:invoices']],
    ]);
  });

  it('a user without permissions sees the dashboard only', () => {
    assert.deepEqual(shown(), [['overview', ['dashboard']]]);
  });

  it('an administrator sees every core screen, groups in menu order and entries by their order', () => {
    setPermissions(allAdminPermissions);
    const sections = shown();
    assert.deepEqual(sections.map(([group]) => group), ['overview', 'platform']);
    assert.deepEqual(sections.flatMap(([, ids]) => ids).sort(), ADMIN_NAV.map((e) => e.id).sort());
    assert.deepEqual(sections[1], ['platform', ['users', 'roles', 'tenants', 'pluginList', 'webhooks', 'mail', 'jobs', 'workflows', 'audit']]);
  });

  it('a plugin\'s own group (billing) sits where `*` is, between the overview and the platform', () => {
    addBilling();
    setPermissions([...allAdminPermissions, ...ADMIN_MENU.map((e) => e.permission!)]);
    const sections = shown();
    assert.deepEqual(sections.map(([group]) => group), ['overview', 'billing', 'platform']);
    assert.deepEqual(sections[1], ['billing', ADMIN_MENU.map((e) => `billing:${e.id}`)]);
  });

  it('without billing (disabled for the tenant: its UI module never loads) the menu has no billing entry', () => {
    setPermissions([...allAdminPermissions, ...ADMIN_MENU.map((e) => e.permission!)]);
    const ids = shown().flatMap(([, entries]) => entries as string[]);
    assert.ok(!ids.some((id) => /client|invoice|product|order|service|coupon|tax|billing/i.test(id)), ids.join(', '));
  });

  it('every core screen but the dashboard names the permission its API route needs', () => {
    assert.deepEqual(ADMIN_NAV.filter((e) => !e.permission).map((e) => e.id), ['dashboard']);
    assert.equal(permissionOf('users'), 'users.read');
    assert.equal(permissionOf('audit'), 'audit-logs.read');
    assert.equal(permissionOf('nope'), undefined);
  });

  it('plugin entries join by permission and order, under the plugin\'s path, once each', () => {
    addBilling();
    setPermissions(['clients.read', 'dns.read']);
    addMenu('dns', { id: 'zones', label: 'DNS zones', to: 'zones', permission: 'dns.read', order: 20 });
    addMenu('dns', { id: 'zones', label: 'DNS zones again', to: 'zones' });
    addMenu('dns', { id: 'admin', label: 'DNS admin', to: 'admin', permission: 'dns.manage' });
    addMenu('mail', { id: 'queue', label: 'Mail queue', to: '/mail-queue', order: 10 });
    addMenu('stats', { id: 'invoicing', label: 'Invoicing', to: '/invoicing', group: 'billing', order: 15 });
    assert.deepEqual(shown(), [
      ['overview', ['dashboard']],
      ['billing', ['billing:clients', 'stats:invoicing']],
      ['plugins', ['mail:queue', 'dns:zones']],
    ]);
    assert.equal(extensions.menu.find((e) => e.id === 'dns:zones')?.to, '/p/dns/zones');
    assert.equal(extensions.menu.find((e) => e.id === 'mail:queue')?.to, '/mail-queue');
  });

  it('a plugin entry for a screen the core menu has is shown once, as the core entry, and only with its permission', () => {
    addMenu('other', { id: 'users', label: 'Other users', to: '/users', group: 'platform' });
    assert.deepEqual(shown(), [['overview', ['dashboard']]]);
    setPermissions(['users.read']);
    assert.deepEqual(shown(), [['overview', ['dashboard']], ['platform', ['users']]]);
  });

  it('the portal menu follows the same rule', () => {
    addBilling(PORTAL_MENU);
    setPermissions(['invoices.read']);
    assert.deepEqual(shown(PORTAL_NAV, PORTAL_GROUPS), [['portal', ['portalHome', 'billing:portalInvoices', 'portalAccount']]]);
  });
});
