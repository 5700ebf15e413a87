/**
 * How the provider issues resource ids (RFC 7643 §3.1: "A unique identifier for a SCIM resource as defined by
 * the service provider", unique across all its resources, stable and never reassigned). The strict provider
 * issues random UUIDs; the `integer-ids` variant issues "1", "2", ... as many databases do.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceStore } from './store.ts';

/** Issues the id of a new resource; called under the provider's write lock, so two creates never race. */
export type IdIssuer = (isTaken: (id: string) => Promise<boolean>) => Promise<string>;

export const uuidIds: IdIssuer = async () => randomUUID();

const DECIMAL = /^[1-9][0-9]*$/;

/**
 * One sequence for Users and Groups: ids are unique across the provider's entire set of resources (RFC 7643
 * §3.1), which also keeps member references (`members[].value`) unambiguous. It starts above the highest
 * integer id already stored and only ever counts up, so an id freed by a DELETE is never issued again in
 * this process; ids taken otherwise (the id-from-body fault) are skipped.
 */
export function integerIds(store: ResourceStore): IdIssuer {
  let next: number | undefined;
  return async (isTaken) => {
    if (next === undefined) {
      let max = 0;
      for (const kind of ['User', 'Group'] as const) {
        for (const r of await store.list(kind)) if (typeof r.id === 'string' && DECIMAL.test(r.id)) max = Math.max(max, Number(r.id));
      }
      next = max + 1;
    }
    let id = String(next++);
    while (await isTaken(id)) id = String(next++);
    return id;
  };
}
