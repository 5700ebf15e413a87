/**
 * The console's request log: the last N exchanges with the SCIM API, and live subscribers (the SSE
 * streams of open console pages). One per console: nothing here is shared between providers.
 */

export interface LoggedMessage {
  headers: Record<string, string>;
  /** Redacted, clipped text ('' when none). */
  body: string;
}

/** A finding on a logged exchange (`scimcheck proxy`, issue 14; src/grading/finding.ts), as the console shows it. */
export interface LoggedFinding {
  id: string;
  side: 'client' | 'server';
  level: string;
  rfc: string;
  message: string;
}

export interface LogEntry {
  /** Increases by one per exchange; lets a reconnecting page skip what it has. */
  seq: number;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** Path and query, redacted. */
  path: string;
  status: number;
  durationMs: number;
  request: LoggedMessage;
  response: LoggedMessage;
  /** Set when the exchange was graded: what each side did wrong (empty when nothing). */
  findings?: LoggedFinding[];
}

export type LogListener = (entry: LogEntry) => void;

export class RequestLog {
  private readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<LogListener>();
  private nextSeq = 1;

  constructor(private readonly capacity = 500) {}

  /** Assigns the sequence number, keeps the entry (dropping the oldest past capacity), tells listeners. */
  add(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full: LogEntry = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const l of this.listeners) {
      try {
        l(full);
      } catch {
        // One broken stream must not stop the others (or the request being logged).
      }
    }
    return full;
  }

  /** Entries after `seq` (all kept ones by default), oldest first. */
  since(seq = 0): LogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  /** The entry numbered `seq`, if still kept. Kept entries are consecutive, so this is an index. */
  get(seq: number): LogEntry | undefined {
    const first = this.entries[0];
    return first ? this.entries[seq - first.seq] : undefined;
  }

  /** The number of the oldest kept entry (the next one's when the log is empty). */
  get firstSeq(): number {
    return this.entries[0]?.seq ?? this.nextSeq;
  }

  /** The number of the newest entry (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
