import { createRouter, createWebHistory } from 'vue-router';
import { installGuard } from '../shared/guard.ts';
import LoginView from '../shared/views/LoginView.vue';
import MessagePage from '../shared/views/MessagePage.vue';
import { date, money } from '@mpanel/sdk/ui/vue/format.ts';

export const router = createRouter({
  history: createWebHistory('/client/'),
  routes: [
    { path: '/login', name: 'login', component: LoginView, props: { title: 'Client portal' }, meta: { public: true } },
    {
      path: '/',
      name: 'layout',
      component: () => import('./PortalLayout.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./views/PortalDashboard.vue') },
        { path: 'invoices', name: 'invoices', component: () => import('./views/PortalInvoices.vue'), meta: { permission: 'invoices.read' } },
        { path: 'invoices/:id', name: 'invoice', component: () => import('./views/PortalInvoice.vue'), props: true, meta: { permission: 'invoices.read' } },
        { path: 'order', name: 'order', component: () => import('./views/PortalOrder.vue'), meta: { permission: 'orders.create' } },
        { path: 'account', name: 'account', component: () => import('./views/PortalAccount.vue') },
        {
          path: 'services',
          name: 'services',
          component: () => import('@mpanel/sdk/ui/vue').then((kit) => kit.ListPage),
          meta: { permission: 'services.read' },
          props: {
            title: 'portal.services',
            endpoint: '/services',
            columns: [
              { key: 'domain', label: 'billing.name', format: (v: unknown, r: Record<string, unknown>) => String(v ?? r.productName ?? '') },
              { key: 'status', label: 'billing.status' },
              { key: 'amount', label: 'billing.amount', format: (_: unknown, r: Record<string, unknown>) => money(r.amount, r.currency) },
              { key: 'nextDueDate', label: 'billing.nextDue', format: date },
            ],
          },
        },
        { path: 'forbidden', name: 'forbidden', component: MessagePage, props: { text: 'state.forbidden' } },
        { path: ':rest(.*)*', name: 'not-found', component: MessagePage, props: { text: 'state.notFound' } },
      ],
    },
  ],
});

installGuard(router);
