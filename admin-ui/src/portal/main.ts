import { startApp } from '../shared/create-app.ts';
import { registerPublicPages } from '../shared/public-pages.ts';
import App from './App.vue';
import { router } from './router.ts';

// Plugins' pages without a session (knowledge base, announcements) are routes before the first navigation.
void registerPublicPages(router, () => import('./PublicLayout.vue')).then(() => startApp(App, router, 'portal'));
