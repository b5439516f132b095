import { createApp } from 'vue';
import App from './App.vue';
import { appInfoKey, createAppInfoStore } from './lib/app-info';
import { createSessionStore, sessionKey } from './lib/session';
import { createAppRouter } from './router';
import { trpc } from './trpc';
import './styles/main.css';

const session = createSessionStore(() => trpc.auth.me.query());

const appInfo = createAppInfoStore(() => trpc.app.info.query());

createApp(App).provide(sessionKey, session).provide(appInfoKey, appInfo).use(createAppRouter(session)).mount('#app');
