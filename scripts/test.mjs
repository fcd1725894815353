#!/usr/bin/env node
// `npm test`: the type checks, unit and contract suites, then the renderer build and the
// end-to-end suite in real Chromium. Ends with one plain "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

function vitest(config, name) {
  const outputFile = join(resultsDir, `${name}.json`);
  rmSync(outputFile, { force: true });
  const args = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${outputFile}`,
  ];
  if (config) args.push('--config', config);
  const status = run('npx', args);
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    return {
      status,
      passed: report.numPassedTests,
      failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
      skipped: report.numPendingTests + report.numTodoTests,
    };
  } catch {
    return { status, passed: 0, failed: 1, skipped: 0 };
  }
}

const only = process.argv[2]; // 'unit' or 'e2e' runs one suite
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;

if (only !== 'e2e') {
  // The type tests of the contract only bite under the compiler.
  for (const project of ['tsconfig.node.json', 'tsconfig.e2e.json', 'tsconfig.web.json']) {
    const typecheck = run('npx', ['tsc', '--noEmit', '-p', project]);
    if (typecheck !== 0) {
      totals.failed += 1;
      status ||= typecheck;
    }
  }

  const unit = vitest(null, 'unit');
  Object.keys(totals).forEach((k) => (totals[k] += unit[k]));
  status ||= unit.status;
}

if (only !== 'unit') {
  const build = run('npm', ['run', '--silent', 'build:renderer']);
  if (build !== 0) {
    totals.failed += 1;
    status ||= build;
  } else {
    const e2e = vitest('vitest.e2e.config.ts', 'e2e');
    Object.keys(totals).forEach((k) => (totals[k] += e2e[k]));
    status ||= e2e.status;
  }
}

process.stdout.write(
  `\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(status || (totals.failed > 0 ? 1 : 0));
