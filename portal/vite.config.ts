// The portal's production build: static files in dist/, the app's code split per page so the
// first screen loads only what it shows (the indices explorer's charts come when it is opened).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1', port: 5173 },
});
