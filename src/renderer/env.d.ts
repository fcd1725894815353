/// <reference types="vite/client" />
import type { GraftBridge } from '../preload/bridge';

declare global {
  interface Window {
    /** Present in Electron (the preload); absent in a browser on serve mode. */
    graft?: GraftBridge;
  }
}
