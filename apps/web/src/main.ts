import { createApp } from 'vue';
import App from './App.vue';
import { createSessionStore, sessionKey } from './lib/session';
import { createAppRouter } from './router';
import { trpc } from './trpc';
import './styles/main.css';

const session = createSessionStore(() => trpc.auth.me.query());

createApp(App).provide(sessionKey, session).use(createAppRouter(session)).mount('#app');
