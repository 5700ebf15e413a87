/**
 * The shipped scenarios with every large `assignMany` batch cut down, for the matrices that multiply each play
 * by many targets (every provider variant × every profile): push-groups' 1,000-member push is ~4,000 requests
 * per play, most of such a matrix's time. The cut keeps what the big push is there for: more people than any
 * profile's member batch (Entra 50, the others 100), so membership still goes out in several PATCHes and
 * lists still page. Full-size plays stay in scenarios-provider.test.ts (every profile, both policies).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const SCENARIO_DIR = new URL('../../scenarios/', import.meta.url).pathname;

type Step = Record<string, unknown>;

/** Rescales one scenario's steps: batch members `key-i` keep their relative place among `max` people. */
export function scaleSteps(steps: Step[], max: number): Step[] {
  const batches = new Map<string, number>();
  for (const s of steps) {
    const many = s.assignMany as { batch: string; count: number } | undefined;
    if (many && many.count > max) batches.set(many.batch, many.count);
  }
  if (batches.size === 0) return steps;
  // Every `key-i` a step names, mapped in order to distinct places among the first `max` (ends kept at ends).
  const refs = new Map<string, Set<number>>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    else if (typeof v === 'string') {
      const m = /^(.*)-(\d+)$/.exec(v);
      if (m && batches.has(m[1]!)) refs.set(m[1]!, (refs.get(m[1]!) ?? new Set()).add(Number(m[2])));
    }
  };
  collect(steps);
  const places = new Map<string, number>();
  for (const [batch, seen] of refs) {
    let prev = 0;
    for (const i of [...seen].sort((a, b) => a - b)) {
      prev = Math.max(prev + 1, Math.ceil((i * max) / batches.get(batch)!));
      places.set(`${batch}-${i}`, prev);
    }
  }
  const member = (ref: unknown): unknown => {
    const m = typeof ref === 'string' ? /^(.*)-(\d+)$/.exec(ref) : null;
    const place = m ? places.get(ref as string) : undefined;
    return place !== undefined ? `${m![1]}-${place}` : ref;
  };
  // A member count of a group holding a whole batch shrinks by what the batch lost.
  const cut = Math.max(...batches.values()) - max;
  const scale = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => scale(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = scale(x, k);
      const many = out as { batch?: string; count?: number };
      if (key === 'assignMany' && many.batch && batches.has(many.batch)) many.count = max;
      if (typeof out.memberCount === 'number' && out.memberCount > max) out.memberCount -= cut;
      return out;
    }
    return member(v);
  };
  return steps.map((s) => scale(s) as Step);
}

/** Paths of scaled copies of every shipped scenario (unchanged ones copied as they are), in a fresh temp dir. */
export function scaledScenarioFiles(max: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-scaled-scenarios-'));
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const doc = parse(readFileSync(join(SCENARIO_DIR, f), 'utf8')) as { steps: Step[] };
      const path = join(dir, f);
      writeFileSync(path, stringify({ ...doc, steps: scaleSteps(doc.steps, max) }));
      return path;
    });
}
