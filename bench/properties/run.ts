/**
 * Bench: every property with N runs (default 1,000) against the in-process reference provider, timed.
 * Run on demand, never in `npm test`:  npx tsx bench/properties/run.ts [--num-runs N] [--seed S]
 */
import { runProperty } from '../../src/harness/properties/engine.ts';
import { PROPERTIES } from '../../src/harness/properties/suite.ts';
import { discoverTarget } from '../../src/harness/properties/target.ts';
import type { Connection } from '../../src/harness/properties/session.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { createProvider } from '../../src/provider/index.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const numRuns = flag('--num-runs', 1000);
const seed = flag('--seed', 1);
const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'bench' }] } });
const conn: Connection = { baseUrl: 'http://localhost/scim/v2', auth: { kind: 'bearer', token: 'bench' }, fetch: (r) => provider.fetch(r), timeoutMs: 30_000 };
const target = await discoverTarget(createHttpClient(conn));
console.log(`${numRuns} runs per property, seed ${seed}, node ${process.version}`);
const total = performance.now();
let failed = 0;
for (const def of PROPERTIES) {
  const o = await runProperty(def, conn, target, { seed, numRuns, prefix: 'bench' });
  if (o.status !== 'passed') failed++;
  const perRun = o.runs > 0 ? (o.durationMs / o.runs).toFixed(1) : '-';
  console.log(`${def.name.padEnd(20)} ${o.status.padEnd(7)} ${String(o.runs).padStart(5)} runs ${(o.durationMs / 1000).toFixed(1).padStart(7)} s  (${perRun} ms/run)${o.status !== 'passed' ? `\n  ${o.message}` : ''}`);
}
console.log(`total ${((performance.now() - total) / 1000).toFixed(1)} s`);
process.exit(failed > 0 ? 1 : 0);
