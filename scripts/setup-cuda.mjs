#!/usr/bin/env node
// `npm run setup:cuda`: re-runs onnxruntime-node's install script with the CUDA download on.
// `.npmrc` skips it by default so `npm install` works offline and on machines with no GPU.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));

if (process.platform !== 'linux' || process.arch !== 'x64') {
  process.stderr.write(
    `setup:cuda: onnxruntime-node ships CUDA support for Linux x64 only (this is ` +
      `${process.platform}-${process.arch}); Graft will use the CPU.\n`,
  );
  process.exit(1);
}

process.stderr.write(`setup:cuda: fetching onnxruntime-node's CUDA libraries into ${ortDir}\n`);
const result = spawnSync(process.execPath, ['script/install'], {
  cwd: ortDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    npm_config_onnxruntime_node_install: 'true',
    ONNXRUNTIME_NODE_INSTALL: 'true',
  },
});
if (result.status !== 0) {
  process.stderr.write('setup:cuda: the download failed; Graft keeps using the CPU.\n');
  process.exit(result.status ?? 1);
}
process.stderr.write('setup:cuda: done. Graft now tries the CUDA provider first.\n');
