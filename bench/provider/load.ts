/**
 * The load generator of the provider benchmark, run as a child process so the client's CPU is not the
 * server's: N concurrent keep-alive fetch loops for a fixed time, printing one JSON line of results.
 * Bodies may contain {n} (a per-request counter) and {id} (cycling through --ids-file entries).
 */
import { readFileSync } from 'node:fs';

const [url, method, bodyTemplate, concurrencyText, secondsText, idsFile] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const ids: string[] = idsFile ? JSON.parse(readFileSync(idsFile, 'utf8')) : [];
const headers = { authorization: 'Bearer bench', 'content-type': 'application/scim+json' };
const prefix = Math.random().toString(36).slice(2, 8);

let counter = 0;
let done = 0;
let failed = 0;
const deadline = Date.now() + seconds * 1000;

async function worker(): Promise<void> {
  while (Date.now() < deadline) {
    const n = counter++;
    const body = bodyTemplate === '-' ? undefined : bodyTemplate.replaceAll('{n}', `${prefix}-${n}`).replaceAll('{id}', ids[n % Math.max(ids.length, 1)] ?? '');
    const u = url!.replaceAll('{id}', ids[n % Math.max(ids.length, 1)] ?? '');
    const res = await fetch(u, { method, headers, body });
    await res.arrayBuffer();
    if (res.status >= 400) failed++;
    done++;
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (Date.now() - started) / 1000;
console.log(JSON.stringify({ requests: done, failed, seconds: elapsed, rps: done / elapsed }));
