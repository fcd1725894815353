/**
 * electron-vite: main (ES module), preload (CommonJS: sandboxed preloads cannot be ES modules)
 * and the renderer, which shares its settings with vite.renderer.config.ts.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

export default defineConfig({
  main: {
    build: {
      // Native addons must be loaded from node_modules at run time, never bundled.
      externalizeDeps: { include: ['onnxruntime-node', 'better-sqlite3'] },
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // Bundle everything (zod included): a sandboxed preload can require only 'electron'.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig(),
});
