import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Build tooling, not app code: the only place in the web app that reads the environment.
// No changeOrigin: the API sees the browser's Host (localhost:5173), and answers /dev/mailbox only
// to a loopback Host on a loopback socket.
const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;
const proxy = Object.fromEntries(
  ['/trpc', '/healthz', '/readyz'].map((path) => [path, { target: apiTarget }]),
);

export default defineConfig({
  // Every component uses <script setup>, so the Options API runtime can be left out of the bundle.
  plugins: [vue({ features: { optionsAPI: false } })],
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
  build: { outDir: 'dist', target: 'es2022' },
});
