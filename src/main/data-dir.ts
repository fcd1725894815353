/**
 * Where Graft keeps everything a user creates. The desktop app uses Electron's userData
 * folder; serve mode and the CLI use the same folder unless `--data-dir` or GRAFT_HOME says
 * otherwise, so a run started from the CLI shows up in the app.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_NAME = 'Graft';

/** Mirrors Electron's `app.getPath('userData')` for an app named Graft. */
export function defaultDataDir(): string {
  if (process.env.GRAFT_HOME) return resolve(process.env.GRAFT_HOME);

  const home = homedir();
  if (process.platform === 'win32') {
    return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  }
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME);
}

export interface DataLayout {
  root: string;
  database: string;
  models: string;
  features: string;
  runs: string;
  exports: string;
  logFile: string;
}

export function dataLayout(root: string): DataLayout {
  const abs = resolve(root);
  const layout: DataLayout = {
    root: abs,
    database: join(abs, 'graft.db'),
    models: join(abs, 'models'),
    features: join(abs, 'features'),
    runs: join(abs, 'runs'),
    exports: join(abs, 'exports'),
    logFile: join(abs, 'graft.log'),
  };
  for (const dir of [layout.root, layout.models, layout.features, layout.runs, layout.exports]) {
    mkdirSync(dir, { recursive: true });
  }
  return layout;
}
