import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { installGuard } from '../shared/guard.ts';
import LoginView from '../shared/views/LoginView.vue';
import MessagePage from '../shared/views/MessagePage.vue';
import { LIST_SCREENS } from './lists.ts';
import { CREATE_SCREENS } from './forms.ts';
import { permissionOf } from './nav.ts';

const ListPage = () => import('@mpanel/sdk/ui/vue').then((kit) => kit.ListPage);
const CreatePage = () => import('@mpanel/sdk/ui/vue').then((kit) => kit.CreatePage);
const platform = (name: string) => () => import(`./views/platform/${name}.vue`);

/** One route per list screen, guarded by the permission of its menu entry. */
const listRoutes: RouteRecordRaw[] = Object.entries(LIST_SCREENS).map(([id, screen]) => ({
  path: id,
  name: id,
  component: ListPage,
  props: screen,
  meta: { permission: permissionOf(id) },
}));

/** `/<list>/new` for the simple create screens. */
const createRoutes: RouteRecordRaw[] = Object.entries(CREATE_SCREENS).map(([id, screen]) => ({
  path: `${id}/new`,
  name: `${id}-new`,
  component: CreatePage,
  props: screen,
  meta: { permission: screen.permission },
}));

/** Tenants, webhooks, mail settings and workflow run screens beyond their lists. */
const platformRoutes: RouteRecordRaw[] = [
  { path: 'tenants/:id', name: 'tenant', component: platform('TenantDetailView'), props: true, meta: { permission: 'tenants.read' } },
  { path: 'webhooks/:id', name: 'webhook', component: platform('WebhookDetailView'), props: true, meta: { permission: 'webhooks.read' } },
  { path: 'mail', name: 'mail', component: platform('MailSettingsView'), meta: { permission: permissionOf('mail') } },
  { path: 'workflows/:id', name: 'workflow', component: platform('WorkflowRunView'), props: true, meta: { permission: 'workflows.read' } },
];

export const LAYOUT_ROUTE = 'layout';

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: LoginView, props: { title: 'mPanel admin' }, meta: { public: true } },
    {
      path: '/',
      name: LAYOUT_ROUTE,
      component: () => import('./AdminLayout.vue'),
      children: [
        { path: '', name: 'dashboard', component: () => import('./views/DashboardView.vue') },
        { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { permission: permissionOf('users') } },
        { path: 'roles', name: 'roles', component: () => import('./views/RolesView.vue'), meta: { permission: permissionOf('roles') } },
        { path: 'plugins', name: 'plugins', component: () => import('./views/PluginsView.vue'), meta: { permission: permissionOf('pluginList') } },
        { path: 'plugins/:id/settings', name: 'plugin-settings', component: () => import('./views/PluginSettingsView.vue'), props: true, meta: { permission: 'plugins.manage' } },
        { path: 'jobs', name: 'jobs', component: () => import('./views/JobsView.vue'), meta: { permission: permissionOf('jobs') } },
        ...listRoutes,
        ...createRoutes,
        ...platformRoutes,
        { path: 'forbidden', name: 'forbidden', component: MessagePage, props: { text: 'state.forbidden' } },
        { path: ':rest(.*)*', name: 'not-found', component: () => import('../shared/views/NotFoundPage.vue') },
      ],
    },
  ],
});

installGuard(router);
