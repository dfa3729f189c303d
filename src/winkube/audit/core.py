"""The audit itself: objects in, the ONE engine per object, failures matched against the catalogue.

Nothing about Windows lives here: Node objects reach the node rules, RuntimeClasses theirs,
workloads every pod rule (winkube.engine.Engine.evaluate: the Answer); failure messages are matched by
winkube.failures (the catalogue in knowledge/failures*.yaml), with the pod, its images and its node as
context that decides between causes.

Scale (bench/audit_bench.py: 5,000 nodes, 150,000 pods):
- nodes are checked once per *signature* (everything a node rule can read except per-node
  identity), and reported per pool;
- workloads are checked once per identical pod template; pods that belong to a workload that was
  read are not checked again (their template is the owner's) — only their statuses are read;
- pods are streamed: each is looked at once and dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..engine import Engine, Options
from ..failures import Facts, diagnose
from ..failures.context import facts_from_node, facts_from_pod
from ..failures.statuses import event_message, pod_messages
from ..k8s.keys import node_signature, pod_key
from ..k8s.stages import STAGE_RANK, worst
from ..k8s.workloads import CLUSTER_WORKLOAD_KINDS as WORKLOAD_KINDS
from ..model.finding import Finding, ObjectRef, Stage
from ..model.podview import pod_view
from ..model.profile import NodePool, Profile, default_profile, with_cluster_objects
from .collect import Missing
from .kubelet import KubeletInput, configmap_input, is_kubeadm_configmap



def _ref(obj: dict) -> ObjectRef:
    return ObjectRef.of(obj)


_EVENT_OBJECTS = ("involvedObject", "regarding", "source", "deprecatedSource")


def _malformed(obj: dict) -> str | None:
    """What is wrong with the fields audit reads from every object before the engine sees it
    (metadata, owner references, spec, status; an Event's references and count), or None."""
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        return "metadata is not an object"
    meta = meta or {}
    for key in ("name", "namespace", "uid"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            return f"metadata.{key} is not a string"
    for key in ("labels", "annotations"):
        if meta.get(key) is not None and not isinstance(meta[key], dict):
            return f"metadata.{key} is not an object"
    refs = meta.get("ownerReferences")
    if refs is not None and not (isinstance(refs, list) and all(isinstance(r, dict) for r in refs)):
        return "metadata.ownerReferences is not a list of objects"
    for key in ("spec", "status", *(_EVENT_OBJECTS if obj.get("kind") == "Event" else ())):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            return f"{key} is not an object"
    if obj.get("kind") == "Event":
        for key in ("count", "deprecatedCount"):
            if obj.get(key) is not None and (not isinstance(obj[key], int) or isinstance(obj[key], bool)):
                return f"{key} is not an integer"
        for key in _EVENT_OBJECTS[:2]:
            for field in ("kind", "namespace", "name"):
                if isinstance(obj.get(key), dict) and obj[key].get(field) is not None and not isinstance(obj[key][field], str):
                    return f"{key}.{field} is not a string"
    return None


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _safe_name(obj: dict) -> str:
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    ns = meta.get("namespace") if isinstance(meta, dict) else None
    if not isinstance(name, str):
        return "<unnamed>"
    return f"{ns}/{name}" if isinstance(ns, str) and ns else name


def ref_str(ref: ObjectRef) -> str:
    ns = f"{ref.namespace}/" if ref.namespace else ""
    return f"{ref.kind} {ns}{ref.name}"


@dataclass
class Cell:
    """One pool × workload square of the matrix."""

    stage: Stage | None  # worst stage that bites there; None: fine
    lands: bool  # the scheduler can place the workload's pods on this pool (never when the API server rejects them)
    notes: list[str] = field(default_factory=list)
    now: bool = False  # a failure is happening now on this pool
    starts: bool = False  # ...and the kubelet admits them and every image runs there


@dataclass
class WorkloadResult:
    ref: ObjectRef
    findings: list[Finding]
    cells: dict[str, Cell]
    template_key: bytes
    failures: list["FailureGroup"] = field(default_factory=list)

    @property
    def worst(self) -> Stage | None:
        return worst([f.stage for f in self.findings] + [g.entry_stage for g in self.failures])

    @property
    def anchor(self) -> str:
        return "w-" + "-".join(x for x in (self.ref.kind, self.ref.namespace, self.ref.name) if x)


@dataclass
class PoolResult:
    pool: NodePool
    findings: list[Finding]  # from the node rules, on one representative node per signature

    @property
    def worst(self) -> Stage | None:
        return worst(f.stage for f in self.findings)


@dataclass
class FailureGroup:
    """Pods/Events of one workload failing with one catalogue entry (on one pool)."""

    entry_id: str
    entry_stage: Stage
    title: str
    cause: str
    fix: str
    source: str
    workload: ObjectRef | None
    pool: str | None
    where: str  # "containerStatuses[app].state.waiting" / "Event FailedCreatePodSandBox"
    reason: str
    message: str  # one example message
    example: str  # one example object ("Pod ns/name")
    count: int = 1
    also: tuple[str, ...] = ()  # other causes the same words allow (less likely here)
    confidence: str = ""  # high / medium / low (winkube.failures)
    because: tuple[str, ...] = ()  # the words and facts that decided
    codes: tuple[str, ...] = ()  # Windows codes in the message, decoded ("0xC0000135 STATUS_DLL_NOT_FOUND")
    code_meanings: tuple[str, ...] = ()  # what each code means in a container (its hint, else Windows' text)


@dataclass
class KubeletResult:
    """One kubelet configuration judged by the kubeletconfig rules (audit/kubelet.py)."""

    source: str
    pool: str | None
    findings: list[Finding]


@dataclass
class AuditResult:
    source: str
    profile: Profile
    kube_version: tuple[int, int]
    server_version: str | None
    pools: list[PoolResult]
    runtime_classes: list[tuple[ObjectRef, list[Finding]]]
    workloads: list[WorkloadResult]
    failures: list[FailureGroup]
    partial: list[Missing]
    errors: list[str]
    counts: dict[str, int]
    templates_checked: int = 0
    node_signatures_checked: int = 0
    kubelet_configs: list[KubeletResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader must know: what could not be read and is not a failure (kubelet configuration), a server outside the range (k8s.releases.for_server)

    @property
    def all_findings(self) -> list[Finding]:
        out = [f for p in self.pools for f in p.findings]
        out += [f for k in self.kubelet_configs for f in k.findings]
        out += [f for _, fs in self.runtime_classes for f in fs]
        out += [f for w in self.workloads for f in w.findings]
        return out


# ----------------------------------------------------------------------------------------------


def _node_signature(node: dict) -> bytes:
    return node_signature(node) or b"#%d" % id(node)  # not encodable: its own signature


def _template_key(obj: dict) -> bytes:
    return pod_key(pod_view(obj)) or b"#%d" % id(obj)  # not encodable: checked on its own


def _controller(obj: dict) -> tuple[str, str] | None:
    for o in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if isinstance(o, dict) and o.get("controller"):
            return o.get("kind"), o.get("uid")
    refs = (obj.get("metadata") or {}).get("ownerReferences") or ()
    if refs and isinstance(refs[0], dict):
        return refs[0].get("kind"), refs[0].get("uid")
    return None


class Auditor:
    def __init__(self, source, *, kube_version: tuple[int, int] | None = None, base_profile: Profile | None = None,
                 rule_filter=None):
        self.rule_filter = rule_filter  # .winkube.yaml / --disable, as for lint
        self.source = source
        self.kube_version = kube_version
        self.base_profile = base_profile
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}

    def run(self) -> AuditResult:
        """One pass over the source's objects, in any order (a dump need not list owners before
        pods); pods and events are reduced to small records as they stream by."""
        src = self.source
        matcher = _Matcher()
        nodes: list[dict] = []
        rcs: list[dict] = []
        records: list[tuple[str, ObjectRef, tuple | None, str]] = []  # kind, ref, owner, template key
        reps: dict[str, dict] = {}  # template key -> one object with that template
        by_uid: dict[str, tuple[ObjectRef, tuple | None]] = {}  # workload uid -> (ref, its owner)
        pod_index: dict[tuple[str, str], tuple[tuple | None, str | None]] = {}  # (ns, name) -> (owner, nodeName)
        orphan_pods: dict[str, dict] = {}  # owner uid not (yet) read -> one of its pods
        pod_hits: list[tuple] = []
        event_hits: list[tuple] = []
        pod_facts: dict[tuple[str, str], Facts] = {}  # pods that are not settled: context for their failures
        counts = self.counts
        for k in ("Node", "RuntimeClass", *WORKLOAD_KINDS, "Event"):
            counts[k] = 0
        kubeadm_cm: dict | None = None  # kube-system/kubelet-config, when a dump holds it
        for obj in src.objects():
            kind = obj.get("kind")
            if kind not in counts:
                if kind == "ConfigMap" and is_kubeadm_configmap(obj):
                    kubeadm_cm = obj
                continue
            counts[kind] += 1
            bad = _malformed(obj)
            if bad:  # an API server or dump can send anything: an error for this object, the audit goes on
                self.errors.append(f"{kind} {_safe_name(obj)}: not a valid {kind}: {bad}")
                continue
            try:
                if kind == "Pod":
                    meta = obj.get("metadata") or {}
                    key = (meta.get("namespace") or "", meta.get("name") or "")
                    owner = _controller(obj)
                    node = (obj.get("spec") or {}).get("nodeName")
                    pod_index[key] = (owner, node)
                    if owner is None:
                        records.append(("Pod", _ref(obj), None, self._rep(reps, obj)))
                    elif owner[1] not in by_uid and owner[1] not in orphan_pods:
                        orphan_pods[owner[1]] = obj
                    hits = matcher.pod(obj)
                    if hits or _unsettled(obj):
                        pod_facts[key] = facts_from_pod(obj)
                    if hits:
                        pod_hits.append((key, owner, node, hits))
                elif kind == "Event":
                    hits = matcher.event(obj)
                    if hits:
                        inv = obj.get("involvedObject") or obj.get("regarding") or {}
                        host = _text((obj.get("source") or {}).get("host")) or _text((obj.get("deprecatedSource") or {}).get("host"))
                        event_hits.append((inv, host, int(obj.get("count") or obj.get("deprecatedCount") or 1), hits))
                elif kind == "Node":
                    nodes.append(obj)
                elif kind == "RuntimeClass":
                    rcs.append(obj)
                else:
                    ref = _ref(obj)
                    owner = _controller(obj)
                    uid = (obj.get("metadata") or {}).get("uid")
                    if uid:
                        by_uid[uid] = (ref, owner)
                    records.append((kind, ref, owner, self._rep(reps, obj)))
            except (AttributeError, TypeError, ValueError, KeyError) as e:  # a shape _malformed does not check
                self.errors.append(f"{kind} {_safe_name(obj)}: could not be read ({type(e).__name__}: {e})")

        nodes_missing = any(m.kind == "Node" for m in src.partial)
        profile = self._profile(nodes, rcs, nodes_missing)
        kube_version = self.kube_version or profile.kube_version
        engine = Engine(Options(profile=profile, kube_version=kube_version, locate=False, rule_filter=self.rule_filter))
        pools = self._pools(engine, profile, nodes)
        node_pool = {name: p.name for p in profile.pools for name in p.node_names}
        node_facts = {(n.get("metadata") or {}).get("name") or "": facts_from_node(n) for n in nodes}
        del nodes
        rc_results = [(_ref(rc), self._check(engine, rc)) for rc in rcs]
        notes: list[str] = []
        kubelet_inputs: list[KubeletInput] = []
        if hasattr(src, "kubelet_configs"):
            kubelet_inputs = src.kubelet_configs(profile.pools, notes)
        elif kubeadm_cm is not None:
            found = configmap_input(kubeadm_cm, notes)
            kubelet_inputs = [found] if found is not None else []
        kubelet_results = [KubeletResult(k.source, k.pool, self._check(engine, k.obj)) for k in kubelet_inputs]

        results: dict[str, WorkloadResult] = {}
        cache: dict[str, tuple[list[Finding], dict[str, Cell]]] = {}

        def add(ref: ObjectRef, key: str) -> WorkloadResult:
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = self._check_workload(engine, profile, reps[key])
            wr = WorkloadResult(ref, [_with_ref(f, ref) for f in hit[0]],
                                {k: Cell(c.stage, c.lands, list(c.notes), c.now, c.starts) for k, c in hit[1].items()}, key)
            results[ref_str(ref)] = wr
            return wr

        for kind, ref, owner, key in records:
            if owner and owner[1] in by_uid and kind in ("ReplicaSet", "Job"):
                continue  # its template is its owner's (a Deployment / CronJob that was read)
            add(ref, key)

        def top(owner: tuple | None) -> ObjectRef | None:
            """The outermost workload that was read in the pod's owner chain."""
            ref = None
            for _ in range(4):
                if not owner or owner[1] not in by_uid:
                    break
                ref, owner = by_uid[owner[1]]
            return ref

        # pods whose owner was not read (403 on its kind, or a kind audit does not read): their
        # template is judged from one of their pods
        stand_in: dict[str, ObjectRef] = {}
        for uid, pod in orphan_pods.items():
            if uid in by_uid:
                continue
            wr = add(_ref(pod), self._rep(reps, pod))
            stand_in[uid] = wr.ref
        del orphan_pods

        def owner_ref(owner: tuple | None, fallback: ObjectRef) -> ObjectRef:
            if owner is None:
                return fallback
            return top(owner) or stand_in.get(owner[1]) or fallback

        groups: dict[tuple, FailureGroup] = {}

        def facts(key: tuple[str, str], node: str | None) -> Facts:
            """What the pod and its node say: context that decides between causes."""
            f = pod_facts.get(key) or Facts()
            return (f.merged(node_facts[node]) if node in node_facts else f).anonymous()

        for (ns, name), owner, node, hits in pod_hits:
            pod_ref = ObjectRef("v1", "Pod", ns, name)
            wref = owner_ref(owner, pod_ref)
            for where, reason, message in hits:
                d = _diagnose(f"{reason}: {message}" if reason and message else (reason or message), facts((ns, name), node))
                self._group(groups, d, wref, node_pool.get(node or ""), where, reason, message, f"Pod {ns}/{name}")
        for inv, host, count, hits in event_hits:
            wref, pool = None, node_pool.get(host or "")
            ikind, ins, iname = inv.get("kind"), inv.get("namespace") or "", inv.get("name") or ""
            node = host
            if ikind == "Pod":
                pod_ref = ObjectRef("v1", "Pod", ins or None, iname)
                owner, node = pod_index.get((ins, iname), (None, host))
                wref = owner_ref(owner, pod_ref)
                pool = node_pool.get(node or "") or pool
            elif ikind == "Node":
                pool = node_pool.get(iname) or pool
            elif ikind:
                wref = ObjectRef(inv.get("apiVersion"), ikind, ins or None, iname)
            label = f"{ikind or 'object'} {ins + '/' if ins else ''}{iname}"
            for where, reason, message in hits:
                d = _diagnose(f"{reason}: {message}" if reason and message else (reason or message), facts((ins, iname), node))
                self._group(groups, d, wref, pool, where, reason, message, label, count=count)
        del pod_index

        failures = sorted(groups.values(), key=lambda g: (STAGE_RANK[g.entry_stage], g.entry_id,
                                                          ref_str(g.workload) if g.workload else "", g.pool or ""))
        for g in failures:
            if g.workload is None:
                continue
            wr = results.get(ref_str(g.workload))
            if wr is None:  # e.g. a failing pod that was not itself read, named by an Event
                wr = results[ref_str(g.workload)] = WorkloadResult(g.workload, [], {}, "")
            wr.failures.append(g)
            if g.pool:
                c = wr.cells.get(g.pool)
                if c is None:
                    wr.cells[g.pool] = Cell(g.entry_stage, True, [f"{g.entry_id} now: {g.title}"], True)
                else:
                    c.now = True
                    c.stage = worst([c.stage, g.entry_stage])
                    c.notes.append(f"{g.entry_id} now: {g.title}")

        server = src.server_version.get("gitVersion") if src.server_version else None
        return AuditResult(
            source=src.description, profile=profile, kube_version=kube_version, server_version=server,
            pools=pools, runtime_classes=rc_results, workloads=list(results.values()), failures=failures,
            partial=list(src.partial), errors=self.errors, counts=dict(counts),
            templates_checked=len(cache), node_signatures_checked=self._node_sigs,
            kubelet_configs=kubelet_results, notes=notes,
        )

    @staticmethod
    def _rep(reps: dict[str, dict], obj: dict) -> str:
        key = _template_key(obj)
        if key not in reps:
            reps[key] = obj
        return key

    # ------------------------------------------------------------------------------------------

    def _profile(self, nodes: list[dict], rcs: list[dict], nodes_missing: bool) -> Profile:
        base = self.base_profile
        if base is None:
            if nodes_missing or not nodes:
                base = default_profile(self.kube_version)  # the guessed pools of that release, softened (profile.assumed)
            else:
                base = Profile(name="cluster", pools=[], runtime_classes={}, source="cluster")
        if self.kube_version:
            base.kube_version = self.kube_version
        return with_cluster_objects(base, nodes, rcs)

    def _pools(self, engine: Engine, profile: Profile, nodes: list[dict]) -> list[PoolResult]:
        self._node_sigs = 0
        if not nodes:
            return [PoolResult(p, []) for p in profile.pools]
        by_name = {(n.get("metadata") or {}).get("name"): n for n in nodes}
        out = []
        seen: dict[str, list[Finding]] = {}
        for pool in profile.pools:
            findings: list[Finding] = []
            keys_done = set()
            for name in pool.node_names:
                node = by_name.get(name)
                if node is None:
                    continue
                node.setdefault("kind", "Node")
                sig = _node_signature(node)
                if sig in keys_done:
                    continue
                keys_done.add(sig)
                if sig not in seen:
                    seen[sig] = self._check(engine, node)
                    self._node_sigs += 1
                for f in seen[sig]:
                    if not any(g.rule == f.rule and g.message == f.message for g in findings):
                        findings.append(f)
            out.append(PoolResult(pool, findings))
        return out

    def _check(self, engine: Engine, obj: dict) -> list[Finding]:
        return self._answer(engine, obj)[0]

    def _answer(self, engine: Engine, obj: dict):
        from ..model.finding import InputError
        errors: list[InputError] = []
        answer = engine.evaluate(obj, None, errors)
        for e in errors:
            self.errors.append(f"{ref_str(_ref(obj))}: {e.message}")
        ref = _ref(obj)
        return [_with_ref(f, ref) for f in answer.findings], answer

    def _check_workload(self, engine: Engine, profile: Profile, obj: dict) -> tuple[list[Finding], dict[str, Cell]]:
        findings, answer = self._answer(engine, obj)
        cells: dict[str, Cell] = {}
        if not answer.workload:  # the engine could not decode it (shape errors, reported): no matrix
            return findings, cells
        try:
            t = answer.targeting
        except Exception as e:  # errors are values: the findings above stand without the matrix
            self.errors.append(f"{ref_str(_ref(obj))}: targeting failed: {type(e).__name__}: {e}")
            return findings, cells
        everywhere = Stage.ADMISSION if answer.rejected else None
        lands_nowhere = not answer.schedulable
        # Findings that are not per-pool facts of the targeting (a scheduling finding such as "can
        # land on X too", an ignored setting, a practice): they colour the pools they name, else the
        # pools of the OS the pod is meant for, else every pool it lands on.
        named: dict[str, list[Finding]] = {}
        for f in findings:
            if f.stage is Stage.ADMISSION:
                continue
            if f.stage in (Stage.KUBELET, Stage.RUNTIME):
                # per pool from the targeting below; a rule that names pools the targeting does not
                # mark (a runtime too old for HostProcess) colours the pools it names
                for fit in t.fits:
                    if fit.schedulable and not fit.kubelet and not fit.runtime and f"{fit.pool.name} (" in f.message:
                        named.setdefault(fit.pool.name, []).append(f)
                continue
            hit = [fit.pool.name for fit in t.fits if fit.schedulable and f"{fit.pool.name} (" in f.message]
            if not hit:
                hit = [fit.pool.name for fit in t.fits if fit.schedulable and (t.os_intent is None or fit.pool.os == t.os_intent)]
            for name in hit:
                named.setdefault(name, []).append(f)
        for fit in t.fits:
            notes: list[str] = []
            stages: list[Stage | None] = [everywhere]
            if everywhere is not None:
                notes.append("the API server rejects it")
            if not fit.schedulable:
                if lands_nowhere:
                    stages.append(Stage.SCHEDULING)
                notes.extend(f"{plugin}: {why}" for plugin, why in fit.failures[:2])
                cells[fit.pool.name] = Cell(worst(stages), False, notes)
                continue
            for f in named.get(fit.pool.name, ()):
                stages.append(f.stage)
                notes.append(f"{f.rule}: {f.message[:160]}")
            if fit.kubelet:
                stages.append(Stage.KUBELET)
                notes.extend(f"kubelet {reason}: {msg}" for reason, msg in fit.kubelet[:2])
            if fit.runtime:
                stages.append(Stage.RUNTIME)
                notes.extend(f"{img.container}: {why}" for img, why in fit.runtime[:2])
            admitted = not answer.rejected
            cells[fit.pool.name] = Cell(worst(stages), admitted, notes,
                                        starts=admitted and not fit.kubelet and not fit.runtime)
        return findings, cells

    def _group(self, groups, d, wref, pool, where, reason, message, example, count: int = 1) -> None:
        if d.top is None:  # the quick pre-filter matched, the catalogue (after unwrapping) did not
            return
        e = d.top.entry  # the best-ranked cause; other causes the words allow are named as alternatives
        key = (e.id, ref_str(wref) if wref else example, pool, where.split("[")[0])
        g = groups.get(key)
        if g is None:
            also = tuple(m.entry.id for m in d.candidates[1:4] if m.entry.diagnosis != e.diagnosis)
            codes = tuple(f"{c.hex} {c.name}" for c in d.codes)
            meanings = tuple(c.hint or c.text for c in d.codes)
            groups[key] = FailureGroup(e.id, e.stage, e.title, e.cause, e.fix, e.source, wref, pool, where,
                                       reason, message, example, count, also, d.confidence, d.top.because, codes, meanings)
        else:
            g.count += count


def _with_ref(f: Finding, ref: ObjectRef) -> Finding:
    return Finding(f.rule, f.stage, f.severity, f.path, f.message, f.fix, f.error_type, ref)


@lru_cache(maxsize=4096)
def _diagnose(text: str, facts: Facts):
    """winkube.failures.diagnose, once per distinct message and context (many pods fail alike)."""
    return diagnose(text, facts)


def _unsettled(pod: dict) -> bool:
    """A pod whose failures may be reported by Events: not Running, or a container waiting/terminated."""
    st = pod.get("status") or {}
    if st.get("phase") not in ("Running", "Succeeded"):
        return True
    return any(not cs.get("ready") for cs in st.get("containerStatuses") or ())


class _Matcher:
    """Pod statuses and Events → (where, reason, message) worth diagnosing; the catalogue's quick
    pre-filter (winkube.failures.prefilter) skips the (common) clean case."""

    def __init__(self):
        from ..failures.prefilter import may_match
        self._may_match = may_match

    def _hits(self, where: str, reason: str, message: str, out: list) -> None:
        text = f"{reason}: {message}" if reason and message else (reason or message)
        if text and self._may_match(text):
            out.append((where, reason, message))

    def pod(self, pod: dict) -> list:
        out: list = []
        for where, reason, message in pod_messages(pod):
            self._hits(where, reason, message, out)
        return out

    def event(self, ev: dict) -> list:
        out: list = []
        m = event_message(ev)
        if m:
            self._hits(*m, out)
        return out
