#!/usr/bin/env node
// The published entry point: run the TypeScript CLI through tsx's loader so users need no build step.
import { register } from 'tsx/esm/api';
register();
process.env.SCIMCHECK_BIN = '1';
await import('../src/cli.ts');
