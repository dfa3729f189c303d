"""What the webhook knows about the cluster, kept in memory so every review is answered without
a round trip: the profile (a file, or Nodes + RuntimeClasses + server version kept current by
list+watch in a background thread) and image platforms (registry resolver with its on-disk cache,
a bounded time per review, an in-memory layer in front)."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field

from ..engine import Engine, Options
from ..k8s.keys import freeze, node_pool_signature
from ..k8s.workloads import RESOURCES
from ..model.finding import Stage
from ..model.profile import Profile
from ..rules import all_rules
from .policy import Policy

log = logging.getLogger("winkube.webhook")


@dataclass
class Health:
    ready: bool = False  # a profile has been loaded
    stale: bool = False  # the watch is lost: serving from the last profile
    stale_since: float | None = None
    last_error: str | None = None
    last_sync: float | None = None  # time.time() of the last good list/watch event
    source: str = ""
    version_note: str | None = None  # the server lies outside winkube's releases (k8s.releases.for_server)
    resyncs: int = 0
    watch_failures: int = 0


class Knowledge:
    """The profile and the engines built on it; swapped atomically when the profile changes."""

    def __init__(self, policy: Policy, profile: Profile | None = None):
        self.policy = policy
        self.health = Health()
        self.rules = all_rules()
        self._lock = threading.Lock()
        self.engine: Engine | None = None
        self.admission_engine: Engine | None = None
        self.profile: Profile | None = None
        self.images = ImageCache(policy)
        from .review import DecisionCache
        self.decisions = DecisionCache()  # findings by pod spec
        self.plans = DecisionCache()  # mutation plans by pod spec
        if profile is not None:
            self.set_profile(profile)

    def active_rules(self) -> dict:
        """The rules whose findings can have an effect: a rule that is off (by `rules:`, by
        `actions:`, or admission-stage without an explicit action) is not run at all."""
        p = self.policy
        out = {}
        for rid, r in self.rules.items():
            if p.rules.get(rid, r.severity) is None or p.actions.get(rid) == "off":
                continue
            if r.stage is Stage.ADMISSION and rid not in p.actions:
                continue
            out[rid] = r
        return out

    def set_profile(self, profile: Profile) -> None:
        engine = Engine(Options(profile=profile, locate=False, rule_filter=self.policy.rule_filter), self.active_rules())
        admission = Engine(Options(profile=profile, locate=False),
                           {k: r for k, r in self.rules.items() if r.stage is Stage.ADMISSION})
        with self._lock:  # readers take the three references without the lock: each is consistent
            self.profile, self.engine, self.admission_engine = profile, engine, admission
            self.health.ready = True
            self.health.source = profile.source
            self.health.last_sync = time.time()

    def mark_stale(self, error: str) -> None:
        h = self.health
        if not h.stale:
            h.stale, h.stale_since = True, time.time()
            log.warning("cluster watch lost, serving from the last profile: %s", error)
        h.last_error = error
        h.watch_failures += 1

    def mark_fresh(self) -> None:
        h = self.health
        if h.stale:
            log.info("cluster watch restored")
        h.stale, h.stale_since = False, None
        h.last_sync = time.time()


# --- image platforms ---------------------------------------------------------------------------

@dataclass
class _Entry:
    value: object  # ResolvedImage, or None when the registry could not answer
    at: float


@dataclass
class ImageCache:
    policy: Policy
    ttl: float = 300.0
    failure_ttl: float = 30.0
    max_entries: int = 4096
    options: object = None  # registry.resolve.ResolveOptions
    _mem: dict[str, _Entry] = field(default_factory=dict)
    _pending: dict[str, asyncio.Task] = field(default_factory=dict)
    timeouts: int = 0
    lookups: int = 0

    def _fresh(self, ref: str, now: float):
        e = self._mem.get(ref)
        if e is None:
            return False, None
        ttl = self.ttl if e.value is not None else self.failure_ttl
        if now - e.at > ttl:
            return False, None
        return True, e.value

    async def resolve(self, refs: list[str]) -> tuple[dict, list[str]]:
        """ref -> ResolvedImage for what the registry (or cache) answered within the per-review
        budget; plus warnings for what fell back to tag conventions."""
        if not self.policy.resolve_images or not refs:
            return {}, []
        now = time.monotonic()
        out, missing = {}, []
        for r in dict.fromkeys(refs):
            hit, value = self._fresh(r, now)
            if hit:
                if value is not None:
                    out[r] = value
            else:
                missing.append(r)
        if not missing:
            return out, []
        self.lookups += 1
        tasks = []
        for r in missing:
            t = self._pending.get(r)
            if t is None:  # one lookup per ref however many reviews wait for it; it outlives a timeout
                t = asyncio.ensure_future(self._lookup(r))
                self._pending[r] = t
                t.add_done_callback(lambda _t, r=r: self._pending.pop(r, None))
            tasks.append(t)
        done, not_done = await asyncio.wait(tasks, timeout=self.policy.image_timeout)
        warnings = []
        late = [r for r, t in zip(missing, tasks) if t in not_done]
        if late:
            self.timeouts += 1
            warnings.append(f"winkube: image platforms of {', '.join(late[:3])}{' …' if len(late) > 3 else ''} not read from "
                            f"the registry within {self.policy.image_timeout:g}s: judged by tag conventions")
        for r, t in zip(missing, tasks):
            if t in done and not t.cancelled() and t.exception() is None and t.result() is not None:
                out[r] = t.result()
        return out, warnings

    async def _lookup(self, ref: str):
        from ..lintimages import summarize
        from ..registry.resolve import ResolveOptions, resolve_many

        opts = self.options or ResolveOptions(timeout=10.0, retries=1)
        try:
            answer = (await resolve_many([ref], opts))[ref]
        except Exception as e:  # noqa: BLE001 - errors are values
            log.warning("image %s: %s", ref, e)
            answer = None
        platforms = getattr(answer, "platforms", None)
        value = summarize(platforms) if platforms is not None else None
        if len(self._mem) >= self.max_entries:
            self._mem.pop(next(iter(self._mem)))
        self._mem[ref] = _Entry(value, time.monotonic())
        return value


# --- the live profile --------------------------------------------------------------------------

# Kubernetes supports 5,000 nodes per cluster; a server that sends ten times that many Nodes (or
# RuntimeClasses) is not kept in the webhook's memory: the watch fails and the last profile serves.
MAX_LIVE_OBJECTS = 50_000
NODES = RESOURCES["Node"].path()
RUNTIME_CLASSES = RESOURCES["RuntimeClass"].path()


class LiveProfile:
    """Nodes and RuntimeClasses kept current by list+watch (winkube.cluster), one thread per
    resource; the profile is rebuilt (at most every `min_rebuild` seconds) only when a node's
    scheduling signature changes, not on every status heartbeat. When a watch fails, the last
    profile keeps being served, /readyz and the metrics say it is stale, and the thread retries
    with backoff (list again, then watch)."""

    def __init__(self, knowledge: Knowledge, cluster, *, watch_timeout: int = 300, backoff: float = 1.0,
                 max_backoff: float = 30.0, min_rebuild: float = 0.2):
        self.k = knowledge
        self.cluster = cluster
        self.watch_timeout = watch_timeout
        self.backoff, self.max_backoff = backoff, max_backoff
        self.min_rebuild = min_rebuild
        self.max_objects = MAX_LIVE_OBJECTS  # per resource, held in memory
        self.stop = threading.Event()
        self._objs: dict[str, dict[str, dict]] = {NODES: {}, RUNTIME_CLASSES: {}}
        self._sig: dict[str, dict[str, object]] = {NODES: {}, RUNTIME_CLASSES: {}}
        self._synced: set[str] = set()
        self._failing: dict[str, str] = {}
        self._dirty = threading.Event()
        self._lock = threading.Lock()
        self.kube_version = None
        self.threads: list[threading.Thread] = []
        self.rebuilds = 0

    def start(self) -> None:
        for path in (NODES, RUNTIME_CLASSES):
            t = threading.Thread(target=self._run, args=(path,), name=f"watch {path}", daemon=True)
            t.start()
            self.threads.append(t)
        t = threading.Thread(target=self._rebuilder, name="profile rebuild", daemon=True)
        t.start()
        self.threads.append(t)

    def close(self) -> None:
        self.stop.set()
        self._dirty.set()

    @staticmethod
    def _signature(path: str, obj: dict):
        if path == NODES:
            return node_pool_signature(obj)
        return freeze((obj.get("handler"), obj.get("scheduling"), obj.get("overhead"))) or object()

    def _set(self, path: str, obj: dict, deleted: bool = False) -> bool:
        name = (obj.get("metadata") or {}).get("name")
        if not isinstance(name, str):
            return False
        with self._lock:
            if deleted:
                self._objs[path].pop(name, None)
                return self._sig[path].pop(name, None) is not None
            if name not in self._objs[path] and len(self._objs[path]) >= self.max_objects:
                from ..cluster import ClusterError
                raise ClusterError(f"watch {path}: more than {self.max_objects} objects; not keeping more")
            sig = self._signature(path, obj)
            self._objs[path][name] = obj
            changed = self._sig[path].get(name) != sig
            self._sig[path][name] = sig
            return changed

    def _run(self, path: str) -> None:
        from ..cluster import ClusterError

        delay = self.backoff
        rv = None
        while not self.stop.is_set():
            try:
                if self.kube_version is None and path == NODES:
                    self._version()
                if rv is None:
                    items, rv = self.cluster.list_with_version(path, max_items=self.max_objects)
                    with self._lock:
                        self._objs[path] = {}
                        self._sig[path] = {}
                    for it in items:
                        self._set(path, it)
                    self._synced.add(path)
                    self._ok(path)
                    self._dirty.set()
                for ev in self.cluster.watch(path, rv, timeout_seconds=self.watch_timeout):
                    if self.stop.is_set():
                        return
                    obj = ev.get("object") or {}
                    rv = (obj.get("metadata") or {}).get("resourceVersion") or rv
                    typ = ev.get("type")
                    if typ in ("ADDED", "MODIFIED", "DELETED") and self._set(path, obj, typ == "DELETED"):
                        self._dirty.set()
                    self._ok(path)
                delay = self.backoff  # the server ended the watch: watch again from rv
            except ClusterError as e:
                if getattr(e, "status", None) == 410:
                    rv = None  # too old: list again
                    continue
                self._fail(path, str(e))
                rv = None
                self.stop.wait(delay)
                delay = min(delay * 2, self.max_backoff)
            except Exception as e:  # noqa: BLE001 - the thread must survive anything
                self._fail(path, f"{type(e).__name__}: {e}")
                rv = None
                self.stop.wait(delay)
                delay = min(delay * 2, self.max_backoff)

    def _version(self) -> None:
        from ..k8s import releases
        from ..k8s.versions import parse_kube_version
        v = parse_kube_version(self.cluster.version().get("gitVersion", ""))
        if v is None:
            self.kube_version = releases.newest()
            return
        self.kube_version, note = releases.for_server(v)
        self.k.health.version_note = note  # said in /readyz and in every review that reports a finding
        if note:
            log.warning("%s", note)

    def _ok(self, path: str) -> None:
        if path in self._failing:
            self._failing.pop(path, None)
        if not self._failing and self.k.health.ready:
            if self.k.health.stale:
                self.k.mark_fresh()
            else:
                self.k.health.last_sync = time.time()

    def _fail(self, path: str, error: str) -> None:
        self._failing[path] = error
        if self.k.health.ready:
            self.k.mark_stale(error)
        else:
            self.k.health.last_error = error
            self.k.health.watch_failures += 1
        log.warning("%s: %s", path, error)

    def _rebuilder(self) -> None:
        while not self.stop.is_set():
            self._dirty.wait()
            if self.stop.is_set():
                return
            self._dirty.clear()
            if self._synced >= {NODES, RUNTIME_CLASSES}:
                try:
                    self.rebuild()
                except Exception as e:  # noqa: BLE001 - whatever the server sent, this thread must live on
                    log.warning("profile rebuild failed, keeping the last profile: %s: %s", type(e).__name__, e)
            self.stop.wait(self.min_rebuild)

    def rebuild(self) -> None:
        from ..model.profile import Profile, ProfileError, pools_from_nodes, runtime_class_info
        with self._lock:
            nodes = list(self._objs[NODES].values())
            rcs_raw = list(self._objs[RUNTIME_CLASSES].values())
        rcs = {}
        for raw in rcs_raw:
            try:
                rc = runtime_class_info(raw, "RuntimeClass")
            except ProfileError:
                continue
            rcs[rc.name] = rc
        from ..k8s import releases
        profile = Profile(name="live", kube_version=self.kube_version or releases.newest(), pools=pools_from_nodes(nodes),
                          runtime_classes=rcs, source=f"live cluster {getattr(self.cluster, 'server', '')} "
                          f"({len(nodes)} nodes, {len(rcs)} RuntimeClasses)")
        self.k.set_profile(profile)
        self.rebuilds += 1
        if not self._failing and self.k.health.stale:
            self.k.mark_fresh()

