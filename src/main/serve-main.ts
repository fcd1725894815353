/**
 * `graft serve`: builds the workbench for a data directory, serves the built renderer with
 * `startServer` and runs until SIGINT or SIGTERM. stdout gets exactly one line, the URL to
 * open, so scripts (npm start's fallback, tests) can read it; logs go to stderr.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraftError } from '../shared/errors';
import { startServer } from './serve';
import { logger } from './util/log';
import { createWorkbench } from './workbench';

const log = logger('serve');

export interface ServeWorkbenchOptions {
  dataDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** Defaults to out/renderer in the project (what `npm run build:renderer` writes). */
  staticDir?: string;
}

function defaultStaticDir(): string {
  // This file sits at src/main/ when run through tsx: the project root is two levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');
}

export async function serveWorkbench(options: ServeWorkbenchOptions): Promise<void> {
  const staticDir = options.staticDir ?? process.env.GRAFT_RENDERER_DIR ?? defaultStaticDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new GraftError(
      'not-found',
      `no built renderer in ${staticDir}; run "npm run build:renderer" first`,
    );
  }

  const workbench = await createWorkbench({ dataDir: options.dataDir });
  const server = await startServer({
    dispatcher: workbench.dispatcher,
    port: options.port,
    host: '127.0.0.1',
    staticDir,
  });
  process.stdout.write(`${server.url}\n`);

  // Stay up until asked to stop, then close the socket before the store under it.
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info(`${signal}: shutting down`);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  await server.close();
  await workbench.close();
}
