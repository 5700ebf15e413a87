/**
 * The JSON text of a stored resource's default answer (no `attributes` / `excludedAttributes`), remembered so
 * a GET does not present, project and serialise the same record again (issue 11 "Honest benchmarks": that was
 * about half of a GET by id). A write answer fills it, so an IdP's GET after its own POST/PUT/PATCH is served
 * from it too.
 *
 * Exactly correct or not used: a render depends on more than its record (a User's derived `groups` and their
 * display names come from the Groups, a Group's member display names from its members), so an entry is valid
 * only while NO write at all has happened since it was rendered. The store counts its writes (before and
 * after each one), a render is stamped with the count read before it started, and an entry whose stamp is not
 * the current count is never served: one write anywhere empties the cache. Everything else a render reads is
 * fixed for the provider's life (schemas, variants, policy) or part of the key (the record object itself —
 * stores hand out immutable values, store.ts — and the base URL, which carries the request's origin). The
 * provider turns the cache off under any fault (some faults reshape answers per request).
 */
import type { ScimResource } from '../scim/types.ts';
import { MemoryStore, type MemberChange, type ResourceKind, type StoreSnapshot } from './store.ts';

/** The in-memory store, counting its writes so a render can tell whether anything changed since. */
export class WriteCountingMemoryStore extends MemoryStore {
  #writes = 0;

  /** Goes up before and after every write; equal counts mean no write began or ended in between. */
  get writes(): number {
    return this.#writes;
  }

  override async create(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void> {
    this.#writes++;
    try {
      await super.create(kind, resource);
    } finally {
      this.#writes++;
    }
  }

  override async replace(kind: ResourceKind, resource: ScimResource & { id: string }, change?: MemberChange): Promise<void> {
    this.#writes++;
    try {
      await super.replace(kind, resource, change);
    } finally {
      this.#writes++;
    }
  }

  override async delete(kind: ResourceKind, id: string): Promise<boolean> {
    this.#writes++;
    try {
      return await super.delete(kind, id);
    } finally {
      this.#writes++;
    }
  }

  override async load(snapshot: StoreSnapshot): Promise<void> {
    this.#writes++;
    try {
      await super.load(snapshot);
    } finally {
      this.#writes++;
    }
  }
}

/** Base URLs (one per Host a client used) the cache keeps texts for at once. */
const MAX_BASE_URLS = 64;

/** A remembered render, in the order they were made (the oldest is dropped first when the cache is full). */
interface Queued {
  texts: WeakMap<object, string>;
  record: object;
  text: string;
}

/**
 * Rendered answers of one provider, bounded by their total length in characters (oldest dropped first). Found by
 * base URL, then by the record object itself (a WeakMap: no look-up by id and no entry object to read through, which
 * on 10k random reads is a cache miss or two per request; issue 11 "Honest benchmarks").
 */
export class RenderCache {
  /** base URL -> record -> text. */
  private texts = new Map<string, WeakMap<object, string>>();
  /** Every put still counted, oldest first from `head`; an entry whose record was rendered again since is skipped. */
  private queue: Queued[] = [];
  private head = 0;
  /** Characters of every queued text (replaced ones too, until they leave the queue): the bound holds for all. */
  private chars = 0;
  /** One string object per base URL the entries carry, so a caller holding it finds its map by reference (baseUrl()). */
  private readonly baseUrls = new Map<string, string>();
  /** The store's write count the entries were rendered at. */
  private writesSeen: number;

  constructor(
    private readonly store: WriteCountingMemoryStore,
    private readonly maxChars: number,
  ) {
    this.writesSeen = store.writes;
  }

  /** Read before a render starts; handed back to `put` with its result. */
  stamp(): number {
    return this.store.writes;
  }

  /**
   * The cache's own copy of a base URL (equal text, one object): a caller that looks up with it (the fast lane)
   * finds the base URL's map without comparing the characters again.
   */
  baseUrl(text: string): string {
    let kept = this.baseUrls.get(text);
    if (kept === undefined) {
      // Bounded: a flood of Host values only costs the by-reference shortcut, never correctness.
      if (this.baseUrls.size >= MAX_BASE_URLS) this.baseUrls.clear();
      this.baseUrls.set(text, (kept = text));
    }
    return kept;
  }

  /** The remembered text for exactly this record object and base URL, if nothing was written since. */
  get(_kind: ResourceKind, record: ScimResource & { id: string }, baseUrl: string): string | undefined {
    this.forgetIfWritten();
    return this.texts.get(baseUrl)?.get(record);
  }

  /** Remembers a render, unless a write began or ended since `stamp` (it may have seen either state). */
  put(_kind: ResourceKind, record: ScimResource & { id: string }, baseUrl: string, stamp: number, text: string): void {
    this.forgetIfWritten();
    if (stamp !== this.writesSeen || text.length > this.maxChars) return;
    baseUrl = this.baseUrl(baseUrl);
    let texts = this.texts.get(baseUrl);
    if (texts === undefined) {
      // A base URL per Host: a client sending many Hosts starts the cache over rather than growing it past its bound.
      if (this.texts.size >= MAX_BASE_URLS) this.forgetAll();
      this.texts.set(baseUrl, (texts = new WeakMap()));
    }
    while (this.chars + text.length > this.maxChars) this.dropOldest();
    texts.set(record, text);
    this.queue.push({ texts, record, text });
    this.chars += text.length;
  }

  private forgetIfWritten(): void {
    if (this.store.writes === this.writesSeen) return;
    this.writesSeen = this.store.writes;
    if (this.chars !== 0 || this.texts.size !== 0) this.forgetAll();
  }

  private forgetAll(): void {
    this.texts = new Map();
    this.queue = [];
    this.head = 0;
    this.chars = 0;
  }

  private dropOldest(): void {
    const oldest = this.queue[this.head++]!;
    this.chars -= oldest.text.length;
    // Only if it is still the record's text: a later render of the same record has its own place in the queue.
    if (oldest.texts.get(oldest.record) === oldest.text) oldest.texts.delete(oldest.record);
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
