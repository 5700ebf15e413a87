/**
 * What `scimcheck proxy --ui` lists as users and groups: the target's resources as they passed through the proxy
 * (each 2xx answer's representations merged over what was seen before, a 2xx DELETE removing one). It is the
 * IdP's view of the target, not the target's store: a resource nobody read or wrote is not there.
 */
import { directoryOf, type DirectoryView } from '../provider/ui/directory.ts';
import type { ProxiedExchange } from './forward.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Resources kept per kind; the oldest seen go first past it (a 100,000-user sync must not fill memory). */
const CAPACITY = 5000;

export class ObservedDirectory {
  readonly #users = new Map<string, Json>();
  readonly #groups = new Map<string, Json>();

  #kind(path: string): Map<string, Json> | undefined {
    const first = path.split('/').filter((s) => s !== '')[0]?.toLowerCase();
    return first === 'users' ? this.#users : first === 'groups' ? this.#groups : undefined;
  }

  #keep(kind: Map<string, Json>, r: Json): void {
    const id = r.id;
    if (typeof id !== 'string' || id === '') return;
    const merged = { ...(kind.get(id) ?? {}), ...r };
    kind.delete(id);
    kind.set(id, merged);
    if (kind.size > CAPACITY) kind.delete(kind.keys().next().value as string);
  }

  see(ex: ProxiedExchange): void {
    const a = ex.answer;
    const kind = this.#kind(ex.request.path);
    if (!a || !kind || a.status < 200 || a.status >= 300) return;
    const id = ex.request.path.split('/').filter((s) => s !== '')[1];
    if (ex.request.method.toUpperCase() === 'DELETE' && id) {
      kind.delete(id);
      return;
    }
    if (!isObject(a.body)) return;
    const list = a.body.Resources;
    if (Array.isArray(list)) for (const r of list) if (isObject(r)) this.#keep(kind, r);
    if (typeof a.body.id === 'string') this.#keep(kind, a.body);
  }

  view(): DirectoryView {
    // Passwords never: a target that returns one is reported, not shown (RFC 7643 §4.1.1).
    return directoryOf([...this.#users.values()], [...this.#groups.values()]);
  }
}
