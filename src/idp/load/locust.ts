/**
 * `--export locust FILE`: the load run's traffic as a Locust locustfile. The profile's own builders render
 * every request once with placeholders (so the wire shapes are the profile's, not a copy); the Python side
 * fills them in per simulated IdP worker and replays the same mix: connection test, match-before-create,
 * create, group push with the profile's membership batches, and the incremental share of updates, renames,
 * deactivations and member moves. A request the profile builds from the resource as read (Okta's GET + PUT)
 * carries a merge rule, and the Python side merges the real GET answer the same way. When the test stops,
 * each Locust process deletes or deactivates what its users created. Auth comes from SCIMCHECK_TOKEN /
 * SCIMCHECK_BASIC; --host is the base URL.
 */
import type { DirGroup, DirUser } from '../directory.ts';
import type { IdpRequest } from '../http.ts';
import type { ScimResource } from '../../scim/types.ts';
import type { BuildContext, ConnectionProbe, MemberRef, Profile } from '../profiles/types.ts';
import { kindOf } from './metered-http.ts';

export interface LocustOptions {
  profile: Profile;
  /** Default --host of the file (the --target URL), overridable on the locust command line. */
  host?: string;
  users: number;
  groups: number;
  membersPerGroup: number;
  incremental: number;
  /** The target's policy for leavers (as `--deprovision`): the run and its cleanup delete users or deactivate them. */
  deprovision?: 'disable' | 'delete';
}

/**
 * How a request built from the resource as read takes its top-level attributes from the read: `echo` are
 * copied from it, `others` says whether attributes the profile never names are kept too (Okta's PUT of
 * the whole resource), `drop` are left out (meta). The template's own body goes on top.
 */
export interface MergeRule {
  echo: string[];
  others: boolean;
  drop: string[];
  /**
   * The profile's attributes merge into the read ones rather than replace them (Okta's overlay: sub-attributes
   * of a complex attribute merge, schemas are united, the primary work email replaces its read entry).
   */
  deep: boolean;
}

interface Template {
  kind: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  merge?: MergeRule;
}

const P = {
  local: '__LOCAL__',
  domain: '__DOMAIN__',
  userId: '__USER_ID__',
  groupId: '__GROUP_ID__',
  groupName: '__GROUP_NAME__',
  memberId: '__MEMBER_ID__',
  memberDisplay: '__MEMBER_DISPLAY__',
  base: '__BASE__',
};

function sampleUser(): DirUser {
  const name = `${P.local}@${P.domain}`;
  return {
    key: 'u',
    idpId: '__IDP_ID__',
    userName: name,
    givenName: 'Load',
    familyName: '__FAMILY__',
    displayName: '__DISPLAY__',
    email: name,
    title: '__TITLE__',
    department: '__DEPT__',
    active: true,
  };
}

const ctx: BuildContext = {
  targetIdOf: () => undefined,
  refOf: (kind, id) => `${P.base}/${kind}/${id}`,
  password: () => '__PASSWORD__',
};

function t(req: IdpRequest): Template {
  return { kind: kindOf(req), method: req.method, path: req.path, ...(req.query ? { query: req.query } : {}), ...(req.body !== undefined ? { body: req.body } : {}) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const READ_MARK = (key: string) => `__READ:${key}__`;
/** An attribute no profile knows: whether it survives says if unknown attributes of the read are kept. */
const UNKNOWN_ATTR = '__unknownAttribute__';

/**
 * The requests of a build that depends on the resource as read, as templates with their merge rule. The
 * rule comes from building once more over a probe resource whose every attribute is a marker: a marker
 * in the result was copied from the read. The template body is the build over `sample` (a resource as
 * created) without those attributes, so what the Python side sends is the real read with the profile's
 * own attributes on top, as the mock IdP does.
 */
export function readTemplates(build: (current: ScimResource) => IdpRequest[], sample: ScimResource): Template[] {
  const probe: Record<string, unknown> = { meta: READ_MARK('meta'), [UNKNOWN_ATTR]: READ_MARK(UNKNOWN_ATTR) };
  for (const k of Object.keys(sample)) probe[k] = READ_MARK(k);
  let probed: IdpRequest[] | undefined;
  try {
    probed = build(probe as ScimResource);
  } catch {
    // A builder that needs real values (it reads inside attributes) takes none of the read verbatim.
    probed = undefined;
  }
  return build(sample).map((req, i) => {
    const tpl = t(req);
    const seen = probed?.[i]?.body;
    if (!isObject(seen) || !isObject(tpl.body)) return tpl;
    const echo = Object.keys(seen).filter((k) => k !== UNKNOWN_ATTR && seen[k] === READ_MARK(k));
    const others = seen[UNKNOWN_ATTR] === READ_MARK(UNKNOWN_ATTR);
    if (!echo.length && !others) return tpl;
    const drop = Object.keys(probe).filter((k) => k !== UNKNOWN_ATTR && !(k in seen));
    const own = Object.fromEntries(Object.entries(tpl.body).filter(([k]) => !echo.includes(k)));
    return { ...tpl, body: own, merge: { echo, others, drop, deep: mergesDeep(build, sample, i, own) } };
  });
}

/** Whether a sub-attribute only the read has survives in a complex attribute the profile also sets. */
function mergesDeep(build: (current: ScimResource) => IdpRequest[], sample: ScimResource, i: number, own: Record<string, unknown>): boolean {
  const key = Object.keys(own).find((k) => isObject(own[k]) && isObject((sample as Record<string, unknown>)[k]));
  if (!key) return false;
  const mark = READ_MARK(`${key}.sub`);
  const probe = { ...sample, [key]: { ...((sample as Record<string, unknown>)[key] as object), __readOnlySub__: mark } } as ScimResource;
  try {
    const body = build(probe)[i]?.body;
    return isObject(body) && isObject(body[key]) && body[key].__readOnlySub__ === mark;
  } catch {
    return false;
  }
}

/** What the connection test accepts from each probe (the engine's rules, src/idp/engine.ts testConnection). */
function probeOk(p: ConnectionProbe): number[] {
  // RFC 7644 §3.12: a read of an id that does not exist answers 404.
  if (p.wants === 'absent') return [404];
  return p.acceptNotFound ? [200, 404] : [200];
}

/** Every request shape the profile sends in a load run, with placeholders. */
export function profileTemplates(profile: Profile): Record<string, unknown> {
  const u = sampleUser();
  const member: MemberRef[] = [{ id: P.memberId, display: P.memberDisplay }];
  const group: DirGroup = { key: 'g', idpId: '__GROUP_IDP_ID__', displayName: P.groupName, members: [] };
  // The resource as the target would hold it after the create: the fallback for builders that read values.
  const current = { id: P.userId, ...profile.createUser(u, ctx) } as ScimResource;
  delete (current as Record<string, unknown>).password;
  // The changed values are placeholders too, so the Python side keeps each user's current state.
  const updated: DirUser = { ...u, title: '__NEW_TITLE__', department: '__NEW_DEPT__' };
  const renamedName = `__NEW_LOCAL__@${P.domain}`;
  const renamed: DirUser = { ...u, userName: renamedName, email: renamedName };
  const matchQuery = profile.groups.matchQuery?.(group);
  return {
    headers: profile.headers,
    retry: profile.retry,
    batchSize: profile.groups.batchSize,
    deletesUsers: profile.deletesUsers,
    connection: profile.connectionTest('__RANDOM__', profile.matching.default).map((p) => ({ ...t(p.req), ok: probeOk(p) })),
    lookup: t({ method: 'GET', path: '/Users', query: profile.matching.query(profile.matching.default, u), purpose: 'match-before-create' }),
    lookupNotFoundIsEmpty: !!profile.matching.notFoundIsEmpty,
    create: t({ method: 'POST', path: '/Users', body: profile.createUser(u, ctx), purpose: 'create' }),
    readFirst: profile.updateUser.readFirst,
    update: readTemplates((cur) => profile.updateUser.build(u, updated, P.userId, cur, ctx), current),
    rename: readTemplates((cur) => profile.updateUser.build(u, renamed, P.userId, cur, ctx), current),
    deactivateReadFirst: profile.setActive.readFirst,
    leaveGroupsFirst: profile.setActive.leaveGroupsFirst,
    deactivate: readTemplates((cur) => profile.setActive.build({ ...u, active: false }, P.userId, false, cur, ctx), current),
    groupLookup: matchQuery ? t({ method: 'GET', path: '/Groups', query: matchQuery, purpose: 'match group' }) : null,
    groupCreate: t({ method: 'POST', path: '/Groups', body: profile.groups.create(group), purpose: 'create group' }),
    addMembers: t(profile.groups.addMembers(P.groupId, member)),
    removeMembers: t(profile.groups.removeMembers(P.groupId, member)),
  };
}

/** The locustfile text. */
export function renderLocustfile(o: LocustOptions): string {
  const templates = JSON.stringify(profileTemplates(o.profile), null, 1);
  // Per provisioned user: how often a group is pushed, so the file keeps the run's users:groups ratio.
  const groupEvery = o.groups > 0 ? Math.max(1, Math.round(o.users / o.groups)) : 0;
  const values: Record<string, string> = {
    '@@PROFILE@@': JSON.stringify(o.profile.id),
    '@@HOST@@': o.host ? JSON.stringify(o.host) : 'None',
    // A JSON string literal is a valid Python string literal; json.loads reads it back.
    '@@TEMPLATES@@': JSON.stringify(templates),
    '@@GROUP_EVERY@@': String(groupEvery),
    '@@MEMBERS@@': String(o.membersPerGroup),
    '@@SHARE@@': String(o.incremental),
    '@@DEPROVISION@@': o.deprovision ?? 'disable',
  };
  // A function replacement: template text such as "$ref" must not be read as a replacement pattern.
  return PY.replace(/@@[A-Z_]+@@/g, (m) => values[m] ?? m);
}

const PY = String.raw`# Generated by "scimcheck load --export locust": the mock IdP's traffic for profile @@PROFILE@@,
# replayed by Locust. Run headless:
#   SCIMCHECK_TOKEN=... locust -f THIS_FILE --headless -u 4 -r 4 -t 30s --stop-timeout 30 --host https://sp.example/scim/v2
# Larger than one machine drives: one master and N workers running this same file, e.g.
#   locust -f THIS_FILE --master --headless -u 64 -r 16 -t 10m --expect-workers 4 --host https://sp.example/scim/v2
#   SCIMCHECK_TOKEN=... locust -f THIS_FILE --worker --master-host MASTER   (on each worker machine)
# Every name carries SCIMCHECK_PREFIX (default: a random "locust-..." prefix per process); with
# SCIMCHECK_LOCUST_LOG=FILE each created user and group, rename, deactivation and delete is appended as one
# JSON line. When the test stops, each process deletes the groups its users created and deletes or
# deactivates their users (SCIMCHECK_DEPROVISION=delete|disable); SCIMCHECK_CLEANUP=0 leaves everything.
import base64
import copy
import json
import os
import random
import time
import uuid

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession

PROFILE = @@PROFILE@@
T = json.loads(@@TEMPLATES@@)
GROUP_EVERY = @@GROUP_EVERY@@
MEMBERS_PER_GROUP = @@MEMBERS@@
INCREMENTAL = float(os.environ.get("SCIMCHECK_INCREMENTAL", "@@SHARE@@"))
PREFIX = os.environ.get("SCIMCHECK_PREFIX") or "locust-" + uuid.uuid4().hex[:8]
LOG = os.environ.get("SCIMCHECK_LOCUST_LOG")
DEPROVISION = os.environ.get("SCIMCHECK_DEPROVISION", "@@DEPROVISION@@")
# The profile's DELETE only when the target's policy is delete and the IdP ever deletes (Okta never does).
DELETES = DEPROVISION == "delete" and T["deletesUsers"]
CLEANUP = os.environ.get("SCIMCHECK_CLEANUP", "1") != "0"
CLEANUP_WORKERS = 8
MEMBER_MARK = "__MEMBER_ID__"

# What this process's users created and still exist, for the cleanup at the end: id -> (display, values).
CREATED_USERS = {}
INACTIVE = set()
CREATED_GROUPS = {}  # id -> displayName


def authorization():
    if os.environ.get("SCIMCHECK_TOKEN"):
        return "Bearer " + os.environ["SCIMCHECK_TOKEN"]
    if os.environ.get("SCIMCHECK_BASIC"):
        return "Basic " + base64.b64encode(os.environ["SCIMCHECK_BASIC"].encode()).decode()
    return None


def base_headers():
    headers = dict(T["headers"])
    auth = authorization()
    if auth:
        headers["Authorization"] = auth
    return headers


def fill(node, values):
    """Replace every placeholder in strings of a template."""
    if isinstance(node, str):
        for k, v in values.items():
            node = node.replace(k, v)
        return node
    if isinstance(node, list):
        return [fill(x, values) for x in node]
    if isinstance(node, dict):
        return {fill(k, values): fill(v, values) for k, v in node.items()}
    return node


def overlay(key, was, value):
    """One attribute the profile sets over the read one, as the profile's deep merge (Okta's overlay) does."""
    if key == "schemas" and isinstance(was, list) and isinstance(value, list):
        return list(dict.fromkeys(was + value))
    if isinstance(was, dict) and isinstance(value, dict):
        return dict(was, **value)
    if key == "emails" and isinstance(was, list) and isinstance(value, list) and value:
        # The IdP holds one primary work email: it replaces the read entry of that kind, the others stay.
        i = next((j for j, e in enumerate(was) if isinstance(e, dict) and (e.get("primary") is True or e.get("type") == "work")), -1)
        if i < 0:
            return value + was
        return [dict(e, **value[0]) if j == i else e for j, e in enumerate(was)]
    return value


def merged(tpl, read):
    """A template built from the resource as read, with the real read merged in by the template's rule, as
    the profile's builder does: the read's attributes (all but the dropped ones when "others", else only the
    echoed ones), then the profile's own attributes on top (merged into the read ones when "deep")."""
    rule = tpl.get("merge")
    if not rule:
        return tpl
    body = {k: v for k, v in (read or {}).items() if k not in rule["drop"] and (rule["others"] or k in rule["echo"])}
    for k, v in tpl["body"].items():
        body[k] = overlay(k, body[k], v) if rule["deep"] and k in body else v
    out = dict(tpl)
    out["body"] = body
    del out["merge"]
    return out


def names_member(item):
    """The item names the member outside any nested list (so it is the per-member element)."""
    if isinstance(item, str):
        return MEMBER_MARK in item
    if isinstance(item, dict):
        return any(names_member(v) for v in item.values())
    return False


def expand_members(node, members):
    """The profile's one-member shape repeated per member: the innermost list item that names the member."""
    if isinstance(node, list):
        out = []
        for item in node:
            if names_member(item):
                for mid, display in members:
                    out.append(fill(copy.deepcopy(item), {MEMBER_MARK: mid, "__MEMBER_DISPLAY__": display}))
            else:
                out.append(expand_members(item, members))
        return out
    if isinstance(node, dict):
        return {k: expand_members(v, members) for k, v in node.items()}
    return node


def send(client, base, tpl, ok=(200, 201, 204), name=None):
    """One request with the profile's retry habit: 429 waits Retry-After (capped), 5xx backs off."""
    retry = T["retry"]
    headers = dict(base)
    if "body" not in tpl:
        headers.pop("Content-Type", None)
    data = json.dumps(tpl["body"]) if "body" in tpl else None
    for attempt in range(retry["limit"] + 1):
        with client.request(tpl["method"], tpl["path"], params=tpl.get("query"), data=data, headers=headers,
                            name=name or tpl["kind"], catch_response=True) as res:
            transient = res.status_code == 429 or res.status_code >= 500 or res.status_code == 0
            if res.status_code in ok:
                res.success()
            else:
                res.failure("%s %s -> %s" % (tpl["method"], tpl["path"], res.status_code))
        if not transient or attempt == retry["limit"]:
            return res
        wait = min(retry["maxDelayMs"], retry["baseDelayMs"] * 2 ** attempt) / 1000.0
        after = res.headers.get("Retry-After") if res.status_code == 429 and retry["honorRetryAfter"] else None
        if after and after.strip().isdigit():
            wait = min(retry["maxDelayMs"] / 1000.0, float(after.strip()))
        time.sleep(wait)
    return res


def read_user(client, base, uid, ok=(200,)):
    """GET /Users/{id} before a change the profile builds from the resource as read; None when not 200."""
    res = send(client, base, {"kind": "user read", "method": "GET", "path": "/Users/" + uid}, ok=ok)
    if res.status_code != 200:
        return None
    try:
        return res.json()
    except ValueError:
        return None


def deactivate(client, base, uid, values, name=None):
    """The profile's deactivation, with its read first when it has one; True when every request succeeded."""
    read = None
    if T["deactivateReadFirst"]:
        read = read_user(client, base, uid)
        if read is None:
            return False
    for tpl in T["deactivate"]:
        res = send(client, base, merged(fill(tpl, dict(values, __USER_ID__=uid)), read), name=name)
        if res.status_code not in (200, 204):
            return False
    return True


def delete(client, base, kind, rid, name):
    # RFC 7644 §3.6: 204 No Content; a 404 means it is gone already, which is what was wanted.
    send(client, base, {"kind": name, "method": "DELETE", "path": "/%s/%s" % (kind, rid)}, ok=(200, 204, 404))


def log(**event):
    if LOG:
        with open(LOG, "a") as f:
            f.write(json.dumps(event) + "\n")


class ScimIdp(HttpUser):
    """One IdP sync worker: provisions users the profile's way and pushes groups of them."""

    host = @@HOST@@
    wait_time = between(0, 0)

    def on_start(self):
        self.headers = base_headers()
        self.mine = []  # (id, userName, display, values) of users this worker created and did not delete
        self.groups = []  # (id, [member ids])
        for probe in T["connection"]:
            self.send(fill(probe, {"__RANDOM__": str(uuid.uuid4())}), ok=tuple(probe["ok"]))

    def send(self, tpl, ok=(200, 201, 204)):
        return send(self.client, self.headers, tpl, ok)

    @task
    def provision_user(self):
        local = "%s-%s" % (PREFIX, uuid.uuid4().hex[:12])
        values = {"__LOCAL__": local, "__DOMAIN__": "example.test", "__IDP_ID__": str(uuid.uuid4()),
                  "__TITLE__": "Engineer", "__DEPT__": "Engineering",
                  "__FAMILY__": local, "__DISPLAY__": "Load " + local, "__PASSWORD__": "Pw-" + uuid.uuid4().hex,
                  "__BASE__": self.host.rstrip("/")}
        empty_ok = (200, 404) if T["lookupNotFoundIsEmpty"] else (200,)
        found = self.send(fill(T["lookup"], values), ok=empty_ok)
        if found.status_code == 200:
            try:
                hits = found.json().get("Resources") or []
            except ValueError:
                return
            if hits:
                return  # the IdP links a matched account instead of creating a duplicate
        elif found.status_code not in empty_ok:
            return
        res = self.send(fill(T["create"], values), ok=(201,))
        if res.status_code != 201:
            return
        uid = res.json()["id"]
        user_name = local + "@example.test"
        self.mine.append((uid, user_name, values["__DISPLAY__"], values))
        CREATED_USERS[uid] = (values["__DISPLAY__"], values)
        log(event="user", id=uid, userName=user_name, active=True)
        if GROUP_EVERY and len(self.mine) % GROUP_EVERY == 0:
            self.push_group()
        active = [m for m in self.mine[:-1] if m[0] not in INACTIVE]
        if random.random() < INCREMENTAL and active:
            self.change_user(random.choice(active))
        if random.random() < INCREMENTAL and len(self.groups) > 1:
            self.move_member()

    def push_group(self):
        name = "%s-g-%s" % (PREFIX, uuid.uuid4().hex[:12])
        values = {"__GROUP_NAME__": name, "__GROUP_IDP_ID__": str(uuid.uuid4())}
        if T["groupLookup"]:
            self.send(fill(T["groupLookup"], values), ok=(200,))
        res = self.send(fill(T["groupCreate"], values), ok=(201,))
        if res.status_code != 201:
            return
        gid = res.json()["id"]
        CREATED_GROUPS[gid] = name
        log(event="group", id=gid, displayName=name)
        members = [(m[0], m[2]) for m in self.mine[-MEMBERS_PER_GROUP:] if m[0] not in INACTIVE]
        batch = T["batchSize"]
        for i in range(0, len(members), batch):
            part = members[i:i + batch]
            tpl = expand_members(fill(T["addMembers"], {"__GROUP_ID__": gid}), part)
            self.send(tpl)
        self.groups.append((gid, [m[0] for m in members]))

    def leave_groups(self, uid, display):
        for gid, members in self.groups:
            if uid in members:
                self.send(expand_members(fill(T["removeMembers"], {"__GROUP_ID__": gid}), [(uid, display)]))
                members.remove(uid)

    def change_user(self, user):
        uid, user_name, display, values = user
        kind = random.choice(["update", "rename", "deactivate"])
        if kind == "deactivate":
            if DELETES:
                # RFC 7644 §3.6: the user and its memberships are gone.
                delete(self.client, self.headers, "Users", uid, "user delete")
                self.mine.remove(user)
                CREATED_USERS.pop(uid, None)
                for _gid, members in self.groups:
                    if uid in members:
                        members.remove(uid)
                log(event="delete", id=uid)
                return
            if T["leaveGroupsFirst"]:
                self.leave_groups(uid, display)
            if deactivate(self.client, self.headers, uid, values):
                INACTIVE.add(uid)
                log(event="deactivate", id=uid)
            return
        v = dict(values, __USER_ID__=uid)
        if kind == "rename":
            v["__NEW_LOCAL__"] = values["__LOCAL__"] + "-renamed"
        else:
            v["__NEW_TITLE__"], v["__NEW_DEPT__"] = "Senior Engineer", "Platform"
        read = None
        if T["readFirst"]:
            # Okta: GET the user, then PUT it as read with the profile's changes on top (the template's merge rule).
            read = read_user(self.client, self.headers, uid)
            if read is None:
                return
        for tpl in T[kind]:
            if self.send(merged(fill(tpl, v), read)).status_code not in (200, 204):
                return
        # The directory now holds the new values; later PUTs of the whole user carry them.
        if kind == "rename":
            values["__LOCAL__"] = v["__NEW_LOCAL__"]
            log(event="rename", id=uid, userName=values["__LOCAL__"] + "@example.test")
        else:
            values["__TITLE__"], values["__DEPT__"] = "Senior Engineer", "Platform"

    def move_member(self):
        (a, am), (b, bm) = random.sample(self.groups, 2)
        movable = [m for m in am if m not in bm and m not in INACTIVE]
        if not movable:
            return
        uid = random.choice(movable)
        display = next((m[2] for m in self.mine if m[0] == uid), "")
        self.send(expand_members(fill(T["removeMembers"], {"__GROUP_ID__": a}), [(uid, display)]))
        am.remove(uid)
        self.send(expand_members(fill(T["addMembers"], {"__GROUP_ID__": b}), [(uid, display)]))
        bm.append(uid)


def drain(environment, items, clean):
    """Runs clean(session, headers, item) over the items with a few greenlets, each with its own session."""
    def worker():
        session = HttpSession(base_url=environment.host, request_event=environment.events.request, user=None)
        headers = base_headers()
        while items:
            clean(session, headers, items.pop())
    gevent.joinall([gevent.spawn(worker) for _ in range(min(CLEANUP_WORKERS, len(items)))])


@events.test_stop.add_listener
def _clean_up(environment, **_kwargs):
    """After every user stopped, in each process that ran users (a worker, or a local run): delete the groups,
    then delete or deactivate the users, the deprovisioning policy's way. Shown in the stats as cleanup ..."""
    if not CLEANUP or not (CREATED_USERS or CREATED_GROUPS):
        return
    groups = list(CREATED_GROUPS)
    group_count = len(groups)
    drain(environment, groups, lambda s, h, gid: delete(s, h, "Groups", gid, "cleanup group delete"))
    CREATED_GROUPS.clear()
    users = list(CREATED_USERS.items())
    user_count = len(users)

    def clean_user(session, headers, item):
        uid, (_display, values) = item
        if DELETES:
            delete(session, headers, "Users", uid, "cleanup user delete")
        elif uid not in INACTIVE and deactivate(session, headers, uid, values, name="cleanup user deactivate"):
            INACTIVE.add(uid)

    drain(environment, users, clean_user)
    CREATED_USERS.clear()
    print("scimcheck locustfile: cleanup done (%d groups deleted, %d users %s)" % (group_count, user_count, "deleted" if DELETES else "deactivated (or already inactive)"))


@events.init.add_listener
def _announce(environment, **_kwargs):
    print("scimcheck locustfile: profile %s, prefix %s, deprovision %s" % (PROFILE, PREFIX, DEPROVISION))
`;
