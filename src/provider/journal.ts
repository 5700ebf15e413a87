/**
 * The `--state` journal: one JSON line per store change, in numbered segment files beside the snapshot
 * (`state.json.journal.1`, `.2`, ...). Replaying the segments over the snapshot gives the store as it was
 * at the last acknowledged change. Pure reading and replay here; the writer lives in state-file.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ScimResource } from '../scim/types.ts';
import type { ResourceKind, StoreSnapshot } from './store.ts';

/** A whole resource as now stored, or the removal of one: replaying them in order is idempotent. */
export type JournalRecord =
  | { op: 'put'; kind: ResourceKind; resource: ScimResource & { id: string } }
  | { op: 'delete'; kind: ResourceKind; id: string };

export function journalLine(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function segmentPath(statePath: string, n: number): string {
  return `${statePath}.journal.${n}`;
}

/** Numbers of the journal segments that exist for this state file, ascending. */
export function listSegments(statePath: string): number[] {
  const prefix = `${basename(statePath)}.journal.`;
  let names: string[];
  try {
    names = readdirSync(dirname(statePath));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => Number(n.slice(prefix.length)))
    .sort((a, b) => a - b);
}

function isRecord(v: unknown): v is JournalRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (r.kind !== 'User' && r.kind !== 'Group') return false;
  if (r.op === 'delete') return typeof r.id === 'string';
  return r.op === 'put' && !!r.resource && typeof r.resource === 'object' && typeof (r.resource as { id?: unknown }).id === 'string';
}

/** A complete journal line that is not a record: never written by us, so damage rather than a crash's torn tail. */
export interface DamagedLine {
  /** 1-based line number in the segment. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  reason: string;
}

export interface SegmentRead {
  /** Every whole, valid record, in order (also those after a damaged line). */
  records: JournalRecord[];
  /** Bytes after the last newline: the tail of a write cut short by a crash, never acknowledged. */
  ignoredBytes: number;
  damaged: DamagedLine[];
}

/**
 * The records of one segment. Every record is written as one line ending in a newline and fsynced before its
 * change is acknowledged, and each process appends only to segments of its own, so a crash can only leave a
 * partial LAST line without its newline: that tail is ignored, not guessed at. A complete line that is not a
 * record is damage (a disk or a hand edit), reported with its position so nothing is dropped without a word.
 */
export function readSegment(file: string): SegmentRead {
  const bytes = readFileSync(file);
  const records: JournalRecord[] = [];
  const damaged: DamagedLine[] = [];
  let at = 0;
  let line = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf(0x0a, at);
    if (end === -1) break;
    line++;
    let parsed: unknown;
    let reason: string | undefined;
    try {
      parsed = JSON.parse(bytes.toString('utf8', at, end));
      if (!isRecord(parsed)) reason = 'JSON that is not a journal record';
    } catch {
      reason = at === end ? 'an empty line' : 'not JSON';
    }
    if (reason === undefined) records.push(parsed as JournalRecord);
    else damaged.push({ line, offset: at, reason });
    at = end + 1;
  }
  return { records, ignoredBytes: bytes.length - at, damaged };
}

/** Applies records in order over a snapshot; creation order is kept as the memory store keeps it. */
export function replay(snapshot: StoreSnapshot, records: Iterable<JournalRecord>): StoreSnapshot {
  const maps: Record<ResourceKind, Map<string, ScimResource>> = {
    User: new Map(snapshot.users.map((u) => [String(u.id), u])),
    Group: new Map(snapshot.groups.map((g) => [String(g.id), g])),
  };
  for (const r of records) {
    if (r.op === 'put') maps[r.kind].set(r.resource.id, r.resource);
    else maps[r.kind].delete(r.id);
  }
  return { format: 'scimcheck-store', version: 1, users: [...maps.User.values()], groups: [...maps.Group.values()] };
}

/** Where a segment file lives, for fsyncing its directory entry. */
export function stateDir(statePath: string): string {
  return dirname(statePath) || '.';
}
