import { startApp } from '../shared/create-app.ts';
import App from './App.vue';
import { router } from './router.ts';

void startApp(App, router, 'portal');
