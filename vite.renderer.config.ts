/**
 * The renderer on its own: `npm run build:renderer` writes out/renderer for serve mode without
 * touching Electron. electron.vite.config.ts reuses these settings so both shells load the
 * same bundle.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = resolve(import.meta.dirname, 'src', 'renderer');
export const rendererOutDir = resolve(import.meta.dirname, 'out', 'renderer');

/**
 * index.html carries the strict production CSP. Vite's dev server needs an inline preamble and
 * injects styles, so only there the meta tag is relaxed; builds keep it as written.
 */
function devCsp(): Plugin {
  return {
    name: 'graft:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws:");
    },
  };
}

export function rendererConfig(): UserConfig {
  return {
    root,
    // Relative asset URLs: the same bundle loads from file:// (Electron) and http (serve mode).
    base: './',
    plugins: [react(), devCsp()],
    build: {
      outDir: rendererOutDir,
      emptyOutDir: true,
      target: 'chrome120',
      // electron-vite leaves minification off by default; both shells ship the same bundle.
      minify: true,
      // Nothing may be inlined as a data: script or style; the CSP would refuse it.
      assetsInlineLimit: 0,
      rollupOptions: { input: resolve(root, 'index.html') },
    },
  };
}

export default defineConfig(rendererConfig());
