/**
 * `--export locust FILE`: the load run's traffic as a Locust locustfile. The profile's own builders render
 * every request once with placeholders (so the wire shapes are the profile's, not a copy); the Python side
 * fills them in per simulated IdP worker and replays the same mix: connection test, match-before-create,
 * create, group push with the profile's membership batches, and the incremental share of updates, renames,
 * deactivations and member moves. Auth comes from SCIMCHECK_TOKEN / SCIMCHECK_BASIC; --host is the base URL.
 */
import type { DirGroup, DirUser } from '../directory.ts';
import type { IdpRequest } from '../http.ts';
import type { BuildContext, MemberRef, Profile } from '../profiles/types.ts';
import { kindOf } from './metered-http.ts';

export interface LocustOptions {
  profile: Profile;
  /** Default --host of the file (the --target URL), overridable on the locust command line. */
  host?: string;
  users: number;
  groups: number;
  membersPerGroup: number;
  incremental: number;
}

interface Template {
  kind: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
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

/** Every request shape the profile sends in a load run, with placeholders. */
export function profileTemplates(profile: Profile): Record<string, unknown> {
  const u = sampleUser();
  const member: MemberRef[] = [{ id: P.memberId, display: P.memberDisplay }];
  const group: DirGroup = { key: 'g', idpId: '__GROUP_IDP_ID__', displayName: P.groupName, members: [] };
  const current = { id: P.userId, ...profile.createUser(u, ctx) };
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
    connection: profile.connectionTest('__RANDOM__').map((p) => t(p.req)),
    lookup: t({ method: 'GET', path: '/Users', query: profile.matching.query(profile.matching.default, u), purpose: 'match-before-create' }),
    create: t({ method: 'POST', path: '/Users', body: profile.createUser(u, ctx), purpose: 'create' }),
    readFirst: profile.updateUser.readFirst,
    update: profile.updateUser.build(u, updated, P.userId, current, ctx).map(t),
    rename: profile.updateUser.build(u, renamed, P.userId, current, ctx).map(t),
    deactivateReadFirst: profile.setActive.readFirst,
    leaveGroupsFirst: profile.setActive.leaveGroupsFirst,
    deactivate: profile.setActive.build({ ...u, active: false }, P.userId, false, current, ctx).map(t),
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
  };
  // A function replacement: template text such as "$ref" must not be read as a replacement pattern.
  return PY.replace(/@@[A-Z_]+@@/g, (m) => values[m] ?? m);
}

const PY = String.raw`# Generated by "scimcheck load --export locust": the mock IdP's traffic for profile @@PROFILE@@,
# replayed by Locust. Run headless:
#   SCIMCHECK_TOKEN=... locust -f THIS_FILE --headless -u 4 -r 4 -t 30s --host https://sp.example/scim/v2
# Spread over machines with Locust's --master / --worker mode. Every name carries SCIMCHECK_PREFIX
# (default: a random "locust-..." prefix); with SCIMCHECK_LOCUST_LOG=FILE each created user and group is
# appended as one JSON line, so a read-back can prove nothing was lost. The file deletes nothing.
import base64
import copy
import json
import os
import random
import time
import uuid

from locust import HttpUser, between, events, task

PROFILE = @@PROFILE@@
T = json.loads(@@TEMPLATES@@)
GROUP_EVERY = @@GROUP_EVERY@@
MEMBERS_PER_GROUP = @@MEMBERS@@
INCREMENTAL = float(os.environ.get("SCIMCHECK_INCREMENTAL", "@@SHARE@@"))
PREFIX = os.environ.get("SCIMCHECK_PREFIX") or "locust-" + uuid.uuid4().hex[:8]
LOG = os.environ.get("SCIMCHECK_LOCUST_LOG")
MEMBER_MARK = "__MEMBER_ID__"


def authorization():
    if os.environ.get("SCIMCHECK_TOKEN"):
        return "Bearer " + os.environ["SCIMCHECK_TOKEN"]
    if os.environ.get("SCIMCHECK_BASIC"):
        return "Basic " + base64.b64encode(os.environ["SCIMCHECK_BASIC"].encode()).decode()
    return None


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


class ScimIdp(HttpUser):
    """One IdP sync worker: provisions users the profile's way and pushes groups of them."""

    host = @@HOST@@
    wait_time = between(0, 0)

    def on_start(self):
        self.headers = dict(T["headers"])
        auth = authorization()
        if auth:
            self.headers["Authorization"] = auth
        self.mine = []  # (id, userName, display, values) of users this worker created
        self.inactive = set()  # deactivated users: the IdP pushes no more profile changes for them
        self.groups = []  # (id, [member ids])
        for probe in T["connection"]:
            self.send(fill(probe, {"__RANDOM__": str(uuid.uuid4())}))

    def send(self, tpl, ok=(200, 201, 204)):
        """One request with the profile's retry habit: 429 waits Retry-After (capped), 5xx backs off."""
        retry = T["retry"]
        headers = dict(self.headers)
        if "body" not in tpl:
            headers.pop("Content-Type", None)
        data = json.dumps(tpl["body"]) if "body" in tpl else None
        for attempt in range(retry["limit"] + 1):
            with self.client.request(tpl["method"], tpl["path"], params=tpl.get("query"), data=data, headers=headers,
                                     name=tpl["kind"], catch_response=True) as res:
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

    def log(self, **event):
        if LOG:
            with open(LOG, "a") as f:
                f.write(json.dumps(event) + "\n")

    @task
    def provision_user(self):
        local = "%s-%s" % (PREFIX, uuid.uuid4().hex[:12])
        values = {"__LOCAL__": local, "__DOMAIN__": "example.test", "__IDP_ID__": str(uuid.uuid4()),
                  "__TITLE__": "Engineer", "__DEPT__": "Engineering",
                  "__FAMILY__": local, "__DISPLAY__": "Load " + local, "__PASSWORD__": "Pw-" + uuid.uuid4().hex,
                  "__BASE__": self.host.rstrip("/")}
        found = self.send(fill(T["lookup"], values), ok=(200,))
        if found.status_code != 200:
            return
        try:
            hits = found.json().get("Resources") or []
        except ValueError:
            return
        if hits:
            return  # the IdP links a matched account instead of creating a duplicate
        res = self.send(fill(T["create"], values), ok=(201,))
        if res.status_code != 201:
            return
        uid = res.json()["id"]
        user_name = local + "@example.test"
        self.mine.append((uid, user_name, values["__DISPLAY__"], values))
        self.log(event="user", id=uid, userName=user_name, active=True)
        if GROUP_EVERY and len(self.mine) % GROUP_EVERY == 0:
            self.push_group()
        if random.random() < INCREMENTAL and len(self.mine) - len(self.inactive) > 1:
            self.change_user()
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
        self.log(event="group", id=gid, displayName=name)
        members = [(m[0], m[2]) for m in self.mine[-MEMBERS_PER_GROUP:]]
        batch = T["batchSize"]
        for i in range(0, len(members), batch):
            part = members[i:i + batch]
            tpl = expand_members(fill(T["addMembers"], {"__GROUP_ID__": gid}), part)
            self.send(tpl)
        self.groups.append((gid, [m[0] for m in members]))

    def change_user(self):
        uid, user_name, display, values = random.choice([m for m in self.mine[:-1] if m[0] not in self.inactive] or self.mine[-1:])
        if uid in self.inactive:
            return
        v = dict(values, __USER_ID__=uid)
        kind = random.choice(["update", "rename", "deactivate"])
        if kind == "deactivate":
            if T["leaveGroupsFirst"]:
                for gid, members in self.groups:
                    if uid in members:
                        self.send(expand_members(fill(T["removeMembers"], {"__GROUP_ID__": gid}), [(uid, display)]))
                        members.remove(uid)
            if T["deactivateReadFirst"]:
                self.send({"kind": "user read", "method": "GET", "path": "/Users/" + uid}, ok=(200,))
            for tpl in T["deactivate"]:
                self.send(fill(tpl, v))
            self.inactive.add(uid)
            self.log(event="deactivate", id=uid)
            return
        if kind == "rename":
            v["__NEW_LOCAL__"] = values["__LOCAL__"] + "-renamed"
        else:
            v["__NEW_TITLE__"], v["__NEW_DEPT__"] = "Senior Engineer", "Platform"
        if T["readFirst"]:
            self.send({"kind": "user read", "method": "GET", "path": "/Users/" + uid}, ok=(200,))
        for tpl in T[kind]:
            self.send(fill(tpl, v))
        # The directory now holds the new values; later PUTs of the whole user carry them.
        if kind == "rename":
            values["__LOCAL__"] = v["__NEW_LOCAL__"]
            self.log(event="rename", id=uid, userName=values["__LOCAL__"] + "@example.test")
        else:
            values["__TITLE__"], values["__DEPT__"] = "Senior Engineer", "Platform"

    def move_member(self):
        (a, am), (b, bm) = random.sample(self.groups, 2)
        movable = [m for m in am if m not in bm and m not in self.inactive]
        if not movable:
            return
        uid = random.choice(movable)
        display = next((m[2] for m in self.mine if m[0] == uid), "")
        self.send(expand_members(fill(T["removeMembers"], {"__GROUP_ID__": a}), [(uid, display)]))
        am.remove(uid)
        self.send(expand_members(fill(T["addMembers"], {"__GROUP_ID__": b}), [(uid, display)]))
        bm.append(uid)


@events.init.add_listener
def _announce(environment, **_kwargs):
    print("scimcheck locustfile: profile %s, prefix %s" % (PROFILE, PREFIX))
`;
