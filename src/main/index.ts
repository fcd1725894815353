/**
 * The Electron shell, kept thin: one locked-down window, the contract bound to ipcMain and the
 * event bus forwarded to the page. Everything else lives in the workbench, which serve mode and
 * the CLI build the same way.
 *
 * The page is treated as untrusted: context isolation, the sandbox, no Node, a strict CSP, no
 * navigation, no new windows, no permissions, and IPC answered only for our own frame.
 */
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { callNames } from '../shared/contract';
import { EVENT_CHANNEL, invokeChannel } from '../preload/bridge';
import { contentSecurityPolicy } from './csp';
import type { Dispatcher } from './dispatch';
import { logger } from './util/log';

const log = logger('shell');

const here = dirname(fileURLToPath(import.meta.url));
const devUrl = process.env.ELECTRON_RENDERER_URL;
const pageFile = join(here, '..', 'renderer', 'index.html');
const pageUrl = devUrl ?? pathToFileURL(pageFile).href;

interface Workbench {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

let workbench: Workbench | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * better-sqlite3 is native and Electron has its own ABI: the store loads the Electron build
 * that `npm start` prepares, through this variable (its `nativeBinding` option).
 */
function pointAtElectronSqlite(): void {
  if (process.env.GRAFT_SQLITE_BINDING) return;

  const binding = join(app.getAppPath(), '.cache', 'electron-native', 'better_sqlite3.node');
  if (existsSync(binding)) process.env.GRAFT_SQLITE_BINDING = binding;
  else log.warn(`no Electron build of better-sqlite3 at ${binding}; run "npm start" to make it`);
}

/** Only our own top-level page may call the contract, not a frame it might embed. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return devUrl ? frame.url.startsWith(devUrl) : frame.url.split('#')[0] === pageUrl;
}

function bindContract(dispatcher: Dispatcher): void {
  for (const name of callNames) {
    ipcMain.handle(invokeChannel(name), (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn(`refused ${name} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        return { ok: false, error: { code: 'invalid-argument', message: 'untrusted sender' } };
      }
      return dispatcher.dispatch(name, payload);
    });
  }

  dispatcher.bus.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(EVENT_CHANNEL, { event, payload });
    }
  });
}

function lockDownSession(): void {
  const csp = contentSecurityPolicy({ dev: devUrl !== undefined });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, grant) => grant(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Graft',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  // The UI is one page with hash routes: any other navigation or popup is refused.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url.split('#')[0] !== pageUrl.split('#')[0]) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });

  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(pageFile);
  return window;
}

async function start(): Promise<void> {
  pointAtElectronSqlite();

  // Imported after the binding path is set, so the store cannot open the Node build first.
  const { createWorkbench } = await import('./workbench');
  // GRAFT_HOME (set by `npm start -- --data-dir DIR`) wins, as it does for the CLI.
  workbench = await createWorkbench({ dataDir: process.env.GRAFT_HOME ?? app.getPath('userData') });

  bindContract(workbench.dispatcher);
  lockDownSession();
  mainWindow = createWindow();
}

// Two processes on one SQLite database would fight over runs: keep one and focus it.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });

  // A failed start (a store that will not open, say) must be seen, not leave a silent process.
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log.error('Graft failed to start', error);
      const message = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('Graft could not start', message);
      app.exit(1);
    });

  app.on('activate', () => {
    if (workbench && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Let running work stop and the store close before the process goes.
  app.on('before-quit', (event) => {
    const closing = workbench;
    if (!closing) return;

    event.preventDefault();
    workbench = null;
    closing
      .close()
      .catch((error: unknown) => log.error('closing the workbench failed', error))
      .finally(() => app.exit(0));
  });
}
