#!/usr/bin/env node
// The `scimcheck` command. Installed from npm it runs the compiled dist/cli.js: plain Node, no loader, and it
// loads only the modules of the command asked for. In a clone (src/ is there, and is not in the package) it runs
// the TypeScript source through tsx, a devDependency, so `npx scimcheck` never runs a stale build.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/cli.js');
}
cli.runAsProcess(process.argv.slice(2));
