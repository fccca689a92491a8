import { createRouter, createWebHistory } from 'vue-router';
import { installGuard } from '../shared/guard.ts';
import LoginView from '../shared/views/LoginView.vue';
import MessagePage from '../shared/views/MessagePage.vue';

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
        { path: 'account', name: 'account', component: () => import('./views/PortalAccount.vue') },
        { path: 'forbidden', name: 'forbidden', component: MessagePage, props: { text: 'state.forbidden' } },
        { path: ':rest(.*)*', name: 'not-found', component: () => import('../shared/views/NotFoundPage.vue') },
      ],
    },
  ],
});

installGuard(router);
