#!/usr/bin/env node
// The `graft` command: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

// A reader that stops early (`graft datasets dropped ID | head`) closes the pipe: that ends the
// command, quietly, instead of with an unhandled EPIPE
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

register();
await import('../src/main/cli.ts');
