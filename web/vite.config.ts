// Builds the browser UI: the staff app (index.html) and the applicant's tracking page (track.html) as two
// entries, so the applicant's phone never downloads the staff app. The manifest lets the bundle-size test
// sum each entry's static import closure. `npm run dev:web` proxies /api to a running backend.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ command }) => ({
  root,
  base: '/',
  plugins: [react()],
  // A build is always a production build, even when started from a test runner that sets NODE_ENV=test
  // (React would otherwise ship its development build, and that build would be served by npm start).
  ...(command === 'build' ? { define: { 'process.env.NODE_ENV': JSON.stringify('production') } } : {}),
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    // Staff pages carry antd and rjsf; the budgets are checked by test/browser/bundle-size.test.ts.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        track: fileURLToPath(new URL('track.html', import.meta.url)),
      },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
}));
