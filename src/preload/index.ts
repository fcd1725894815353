/**
 * The preload script: exposes the contract on `window.graft` as named functions, one per call,
 * plus `onEvent`. There is deliberately no generic "invoke any channel" function, so a
 * compromised page can reach exactly the calls the contract lists and nothing else of Electron.
 *
 * It runs sandboxed (no Node), so it must stay a self-contained CommonJS bundle.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { callNames } from '../shared/contract';
import {
  EVENT_CHANNEL,
  invokeChannel,
  type GraftBridge,
  type GraftCalls,
  type GraftEvent,
} from './bridge';

// One forwarder per call name; the main process validates every payload against its schema.
const forwarders = Object.fromEntries(
  callNames.map((name) => [
    name,
    (request: unknown) => ipcRenderer.invoke(invokeChannel(name), request),
  ]),
) as GraftCalls;

function onEvent(listener: (event: GraftEvent) => void): () => void {
  // Pass on only the message: the IPC event object would hand the page a handle on `sender`.
  const relay = (_event: IpcRendererEvent, message: GraftEvent): void => listener(message);

  ipcRenderer.on(EVENT_CHANNEL, relay);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  };
}

const bridge: GraftBridge = { ...forwarders, onEvent };

contextBridge.exposeInMainWorld('graft', bridge);
