"""Which node pools can a pod spec land on, and why: computed once per pod spec, read by every rule.

The steps mirror kube-scheduler's filter plugins and keep their names (NodeName, NodeUnschedulable,
NodeAffinity, TaintToleration, NodeResourcesFit), after the RuntimeClass admission plugin has merged
the RuntimeClass's scheduling into the pod; then the kubelet's OS admission
(pkg/kubelet/lifecycle/predicate.go); then the image's OS and Windows build per pool.
"""
from __future__ import annotations

import math
from functools import lru_cache

from . import compat
from .imagetags import guess, guess_user  # tag conventions, knowledge/image_tags.yaml
from .k8s.images import pod_images
from .k8s.keys import freeze
from .k8s.labels import LABEL_BUILD, LABEL_HOSTNAME, LABEL_OS, OS_LABELS, PER_NODE_LABELS, POOL_NAME_LABELS, standard_labels
from .k8s.quantity import quantity
from .k8s.selectors import normalize_selector, required_terms, selector_mismatch, term_matches, terms_in_values, terms_mention
from .k8s.taints import UNSCHEDULABLE_TAINT, Taint, daemon_tolerations, tolerated_in_other_spelling, tolerates, untolerated
from .model.podview import PodView, as_dict, as_list
from .model.profile import NodePool, Profile, RuntimeClassInfo
from .record import Record

# Names rules and front doors import from here; they live in k8s/ (one place for each semantics).
__all__ = ["ImageUse", "OS_LABELS", "absent_labels", "PoolFit", "Targeting", "daemon_tolerations", "host_process", "image_uses",
           "pod_requests", "required_terms", "resolve", "tolerates", "units", "untolerated"]


class ImageUse(Record):
    __slots__ = ("container", "path", "ref", "os", "build", "evidence", "os_versions", "user", "user_evidence")

    def __init__(self, container: str, path: tuple, ref: str, os: str | None, build: int | None, evidence: str,
                 os_versions: tuple = (), user: str | None = None, user_evidence: str = ""):
        self.container = container  # "containers[0]"
        self.path = path  # path of the container's image field
        self.ref = ref
        self.os = os  # windows / linux / None (unknown)
        self.build = build  # Windows build of the image, when known
        self.evidence = evidence  # how we know (tag convention, registry, …)
        self.os_versions = os_versions  # from the registry: every Windows os.version in the index
        self.user = user  # the image config's User ("" = none set); None = not known
        self.user_evidence = user_evidence


class PoolFit(Record):
    __slots__ = ("pool", "failures", "kubelet", "runtime", "relaxed_failures", "nodes")

    def __init__(self, pool: NodePool, failures: list[tuple[str, str]] | None = None, kubelet: list[tuple[str, str]] | None = None,
                 runtime: list[tuple[ImageUse, str]] | None = None, relaxed_failures: list[tuple[str, str]] | None = None,
                 nodes: list[str] | None = None):
        self.pool = pool
        self.failures = [] if failures is None else failures  # (scheduler plugin, why) — empty: schedulable
        self.kubelet = [] if kubelet is None else kubelet  # (kubelet reason, message)
        self.runtime = [] if runtime is None else runtime  # images that cannot run here
        # the scheduler filters again with the requirements on labels the profile cannot see (see
        # Targeting.unseen_labels) left out: what else keeps the pod off this pool (with the embedded
        # default, a platform's own label brings that platform's Windows taints: _platform_taints)
        self.relaxed_failures = [] if relaxed_failures is None else relaxed_failures
        # the pool's nodes that pass NodeAffinity when the pod picks nodes by kubernetes.io/hostname
        # (judged node by node); None: every node of the pool alike
        self.nodes = nodes

    @property
    def unseen_only(self) -> bool:
        """Only requirements on labels the profile cannot see keep the pod off this pool: it is
        scheduled there if the real nodes carry them (the profile cannot say whether they do)."""
        return bool(self.failures) and not self.relaxed_failures

    @property
    def schedulable(self) -> bool:
        return not self.failures


_WINDOWS_ONLY = frozenset({"windows"})


class Targeting(Record):
    __slots__ = ("fits", "node_selector", "tolerations", "runtime_class", "runtime_class_name", "runtime_class_missing",
                 "conflicts", "os_intent", "evidence", "images", "host_process", "landing", "landing_os", "unseen_labels",
                 "windows_bound")

    def __init__(self, fits: list[PoolFit], node_selector: dict, tolerations: list, runtime_class: RuntimeClassInfo | None,
                 runtime_class_name: str | None, runtime_class_missing: bool, conflicts: list[str], os_intent: str | None,
                 evidence: list[str], images: list[ImageUse], host_process: bool, landing: list[NodePool] | None = None,
                 landing_os: set[str] | None = None, unseen_labels: tuple[str, ...] = (), windows_bound: bool | None = None):
        self.fits = fits
        self.node_selector = node_selector  # pod's nodeSelector merged with the RuntimeClass's
        self.tolerations = tolerations
        self.runtime_class, self.runtime_class_name, self.runtime_class_missing = runtime_class, runtime_class_name, runtime_class_missing
        self.conflicts = conflicts  # RuntimeClass admission conflicts (the pod is rejected)
        self.os_intent = os_intent  # windows / linux / None: what the pod asks for
        self.evidence = evidence  # why os_intent (strong evidence first)
        self.images, self.host_process = images, host_process
        # selector and required-affinity label keys the profile cannot judge: no pool of the profile has
        # them, or the profile marks them open (a platform's agentpool, gke-nodepool, ...)
        self.unseen_labels = unseen_labels
        # computed from fits, whatever is passed (as the dataclass's __post_init__ did)
        self.landing = [f.pool for f in self.fits if f.schedulable]  # pools that pass every scheduler filter
        self.landing_os = {p.os for p in self.landing}
        # the pod asks for Windows (spec.os, selectors, RuntimeClass, HostProcess, images) or can only land
        # there: the semantics family's precondition, answered once per Targeting (pods share it)
        self.windows_bound = os_intent == "windows" or (bool(self.landing) and self.landing_os == _WINDOWS_ONLY)

    def fit(self, pool: NodePool) -> PoolFit:
        return next(f for f in self.fits if f.pool is pool)


# --- NodeAffinity -----------------------------------------------------------------------------

# --- NodeAffinity (label selector semantics: k8s.selectors) ---------------------------------

def _node_affinity(spec: dict, selector: dict, pool: NodePool) -> str | None:
    return _relaxed_affinity(spec, selector, pool, ())


def unseen_labels(selector: dict, terms: list[dict] | None, profile: Profile) -> tuple[str, ...]:
    """Label keys the pod selects on that the profile cannot judge (see Targeting.unseen_labels).

    Only pools that describe a cluster (the embedded default, a platform, a profile file) leave labels
    unseen: pools read from Node objects are the real nodes with their real labels, so a value none
    of them carries (or a key none has) matches no node, as the scheduler finds."""
    if profile.pools and all(p.node_names for p in profile.pools):
        return ()
    keys = list(selector) + [str(e.get("key")) for t in terms or () for e in as_list(t.get("matchExpressions"))
                             if isinstance(e, dict) and e.get("key") is not None]
    known = {k for p in profile.pools for k in p.labels}
    out = []
    for k in keys:
        if (k in profile.open_labels or k not in known) and k not in out:
            out.append(k)
    return tuple(out)


# set by every kubelet on its own node (standard_labels): a pod's requirement on them is judged as
# the scheduler does, whichever nodes exist (windows-build is absent only where no Windows node is)
_KUBELET_LABELS = frozenset(standard_labels("windows", "amd64", 1))


def absent_labels(selector: dict, terms: list[dict] | None, profile: Profile) -> tuple[str, ...]:
    """With pools read from Node objects: what the pod requires that no node has but the nodes of a
    node pool scaled to zero could (the cluster autoscaler builds a group's template node from its
    labels and scales it up for a pending pod that fits it): a label key no node has, or a node-pool
    name (agentpool, eks.amazonaws.com/nodegroup, ...) none carries. The kubelet's own labels (os,
    arch, windows-build) are on every node, so a value no node has there is the pod's mistake."""
    if not (profile.pools and all(p.node_names for p in profile.pools)):
        return ()
    have: dict[str, set[str]] = {}
    for p in profile.pools:
        for k, v in p.labels.items():
            have.setdefault(k, set()).add(v)

    def absent(key: str, values: list[str] | None) -> bool:  # values None: Exists
        if key in PER_NODE_LABELS or key in _KUBELET_LABELS:
            return False
        return key not in have or (key in POOL_NAME_LABELS and values is not None and not have[key] & set(values))

    out = [f"{k}={v}" for k, v in selector.items() if absent(k, [v])]
    for t in terms or ():
        for e in as_list(t.get("matchExpressions")):
            if not isinstance(e, dict) or e.get("operator") not in ("In", "Exists"):
                continue
            key, values = str(e.get("key")), [str(v) for v in as_list(e.get("values"))]
            if absent(key, values if e.get("operator") == "In" else None):
                out.append(f"{key} in ({', '.join(values)})" if e.get("operator") == "In" else key)
    return tuple(dict.fromkeys(out))


def _relaxed_affinity(spec: dict, selector: dict, pool: NodePool, unseen: tuple[str, ...]) -> str | None:
    """NodeAffinity (nodeSelector, then required terms: why the pool fails it, or None), with the
    requirements on unseen labels left out (a term left with none may match).

    A pool read from Node objects leaves each node's kubernetes.io/hostname out of its shared labels;
    a pod that selects on it is judged node by node, as the scheduler does (one node must pass the
    whole nodeSelector and one term)."""
    if _selects_hostname(spec, selector, pool):
        shared = _affinity_on(spec, {k: v for k, v in selector.items() if k != LABEL_HOSTNAME}, pool.labels, pool.node_names, unseen)
        if shared is not None and shared.startswith("nodeSelector"):
            return shared  # a label all its nodes share already keeps it off
        passing, whys = _per_node(spec, selector, pool, unseen)
        if passing:
            return None
        if LABEL_HOSTNAME in selector and selector[LABEL_HOSTNAME] not in pool.hostnames.values():
            return f"nodeSelector {LABEL_HOSTNAME}={selector[LABEL_HOSTNAME]} (no node of the pool has it)"
        return whys[0]
    return _affinity_on(spec, selector, pool.labels, pool.node_names, unseen)


def _selects_hostname(spec: dict, selector: dict, pool: NodePool) -> bool:
    return bool(pool.node_names) and (LABEL_HOSTNAME in selector or terms_mention(required_terms(spec), (LABEL_HOSTNAME,)))


def _match_fields(spec: dict) -> bool:
    return any(as_list(t.get("matchFields")) for t in required_terms(spec) or ())


def _per_node(spec: dict, selector: dict, pool: NodePool, unseen: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(nodes of the pool that pass NodeAffinity with their own hostname label, why each other fails)."""
    passing, whys = [], []
    for name in pool.node_names:
        labels = dict(pool.labels)
        if name in pool.hostnames:
            labels[LABEL_HOSTNAME] = pool.hostnames[name]
        why = _affinity_on(spec, selector, labels, [name], unseen)
        if why is None:
            passing.append(name)
        else:
            whys.append(why)
    return passing, whys


def _affinity_on(spec: dict, selector: dict, labels: dict, node_names: list[str], unseen: tuple[str, ...]) -> str | None:
    sel = {k: v for k, v in selector.items() if k not in unseen}
    miss = selector_mismatch(sel, labels)
    if miss is not None:
        k, v, have = miss
        return f"nodeSelector {k}={v} (pool has {k}={have})" if have is not None else f"nodeSelector {k}={v} (pool has no {k} label)"
    terms = required_terms(spec)
    if terms is not None:
        answers = []
        for t in terms:
            exprs = [e for e in as_list(t.get("matchExpressions")) if isinstance(e, dict)]
            kept = [e for e in exprs if e.get("key") not in unseen]
            if exprs and not kept and not as_list(t.get("matchFields")):
                answers.append(None)  # only unseen labels: it may match
                continue
            answers.append(term_matches({**t, "matchExpressions": kept}, labels, node_names))
        if not any(a is not False for a in answers):
            return "required node affinity matches none of its labels"
    return None


# --- TaintToleration --------------------------------------------------------------------------

# v1.Toleration.ToleratesTaint and the DaemonSet controller's tolerations: k8s.taints.


# --- NodeResourcesFit -------------------------------------------------------------------------

def pod_requests(spec: dict, overhead: dict | None = None) -> dict:
    """Effective requests: regular containers and restartable (sidecar) init containers add up,
    a plain init container counts alone; requests default to limits, as API defaulting does."""
    def requests(c: dict) -> dict:
        res = as_dict(c.get("resources"))
        merged = dict(as_dict(res.get("limits")))
        merged.update(as_dict(res.get("requests")))
        out = {}
        for k, v in merged.items():
            q = quantity(v)
            if q is not None:
                out[str(k)] = q
        return out

    total: dict = {}  # exact values (k8s/quantity.py): int or Fraction
    init_peak: dict = {}
    sidecars: dict = {}
    for c in as_list(spec.get("initContainers")):
        if not isinstance(c, dict):
            continue
        r = requests(c)
        if c.get("restartPolicy") == "Always":
            for k, v in r.items():
                sidecars[k] = sidecars.get(k, 0) + v
        else:
            for k, v in r.items():
                init_peak[k] = max(init_peak.get(k, 0), sidecars.get(k, 0) + v)
    for c in as_list(spec.get("containers")):
        if isinstance(c, dict):
            for k, v in requests(c).items():
                total[k] = total.get(k, 0) + v
    for k, v in sidecars.items():
        total[k] = total.get(k, 0) + v
    for k, v in init_peak.items():
        total[k] = max(total.get(k, 0), v)
    for k, v in (overhead or {}).items():
        q = quantity(v)
        if q is not None:
            total[k] = total.get(k, 0) + q
    return total


@lru_cache(maxsize=8192)  # pools' allocatable values repeat on every pod
def units(name: str, q) -> int:
    """The scheduler's integer units: milli-CPU, whole units for the rest, rounded up as
    Quantity.MilliValue / Value do (q is exact, so 3 x 100m is 300m).

    Those are int64: past 2^63-1 units the conversion overflows, and for the int64 form a parsed
    quantity takes ("1e16", "1e400", "1e999999" cpu; "1e20" memory) positiveScaleInt64 returns 0
    (apimachinery amount.go; "undefined" per its docs). The real kube-scheduler then places the pod
    as if it asked for nothing (tests/plan/test_scheduler_overflow.py), so such a request is 0 here
    too. (A value of 19+ significant digits takes the inf.Dec form, whose overflow wraps instead;
    not modelled.)"""
    n = math.ceil(q * 1000 if name == "cpu" else q)
    return n if -_INT64_UNITS <= n < _INT64_UNITS else 0


_INT64_UNITS = 2**63


def _resources_fit(requests: dict, pool: NodePool, known_only: bool = False) -> str | None:
    """known_only: the pool is the default profile's guess, so a resource it does not list
    (nvidia.com/gpu, hugepages-2Mi) is unknown rather than absent."""
    if not pool.allocatable:
        return None
    reasons = []
    # fitsRequest counts the pod itself against allocatable pods before any resource
    # (pkg/scheduler/framework/plugins/noderesources/fit.go: len(nodeInfo.Pods)+1 > AllowedPodNumber).
    pods = quantity(pool.allocatable["pods"]) if "pods" in pool.allocatable else None
    if pods is not None and units("pods", pods) < 1:
        reasons.append("Too many pods")
    short = []
    for name, amount in sorted(requests.items()):
        if amount <= 0 or (known_only and name not in pool.allocatable):
            continue
        have = quantity(pool.allocatable.get(name, 0))
        if have is None:
            continue
        if units(name, amount) > units(name, have):
            short.append(name)
    if short:
        reasons.append(f"Insufficient {', '.join(short)}")
    return "; ".join(reasons) or None


# --- the resolver -----------------------------------------------------------------------------

def _os_from_selector(selector: dict, terms: list[dict] | None) -> tuple[str | None, str | None]:
    for label in OS_LABELS:
        if label in selector:
            return str(selector[label]), f"nodeSelector {label}={selector[label]}"
    if LABEL_BUILD in selector:
        return "windows", f"nodeSelector {LABEL_BUILD}={selector[LABEL_BUILD]}"
    if terms:
        found = terms_in_values(terms, OS_LABELS)
        if len(found) == 1:
            os_ = found.pop()
            return os_, f"required node affinity {LABEL_OS} In [{os_}]"
    return None, None


def host_process(view: PodView) -> bool:
    pod = as_dict(view.security_context.get("windowsOptions")).get("hostProcess") is True
    for c in view.containers():
        own = as_dict(c.security_context.get("windowsOptions")).get("hostProcess")
        if own is True or (own is None and pod):
            return True
    return False


def image_uses(view: PodView, resolved: dict) -> list[ImageUse]:
    uses = []
    for c, ref in pod_images(view):
        info = resolved.get(ref)
        known_user = guess_user(ref)
        user, user_evidence = known_user if known_user else (None, "")
        if info is not None:  # read from the registry: better than any tag convention
            if getattr(info, "user", None) is not None:
                user, user_evidence = info.user, "image config"
            uses.append(ImageUse(f"{c.list_name}[{c.index}]", c.path + ("image",), ref, info.os, info.build,
                                 info.evidence, tuple(getattr(info, "os_versions", ())), user, user_evidence))
            continue
        hint = guess(ref)
        uses.append(ImageUse(f"{c.list_name}[{c.index}]", c.path + ("image",), ref, hint.os, hint.build, hint.evidence,
                             (), user, user_evidence))
    return uses


_MEMO: dict = {}
_MEMO_MAX = 4096
_SCHEDULING_FIELDS = ("nodeSelector", "tolerations", "affinity", "runtimeClassName", "os", "nodeName", "hostNetwork",
                      "securityContext", "overhead")


_CONTAINER_READS = ("image", "resources", "restartPolicy")


def reads(view: PodView, path: tuple) -> bool:
    """Whether resolve() reads the value at `path` (a path from the object's root): the fields the
    memo key holds. A value there that the API server cannot decode leaves this targeting a guess
    about a pod the scheduler never receives (the engine then gives no scheduling findings)."""
    n = len(view.prefix)
    if len(path) <= n or tuple(path[:n]) != view.prefix:
        return False
    field, rest = path[n], path[n + 1:]
    if field == "securityContext":  # of it resolve() reads only windowsOptions
        return rest[:1] == ("windowsOptions",)
    if field in _SCHEDULING_FIELDS:
        return True
    if field in ("containers", "initContainers", "ephemeralContainers") and len(rest) >= 2:
        return rest[1] in _CONTAINER_READS or rest[1:3] == ("securityContext", "windowsOptions")
    return False


def _memo_key(view: PodView, profile: Profile, resolved_images) -> tuple | None:
    """Everything resolve() reads, as a hashable value: workloads of one chart or one team share
    their scheduling, so their targeting is computed once (the result is read-only for rules).

    Every pod pays for this key, so it is kept small: the kind and the spec's path (plain strings)
    sit in the tuple itself; marshal (~600 instructions an object) encodes only the values read from
    the spec. The containers come from view.containers(), which the pod's rules build anyway (read
    straight from the dicts was measured 2.5k instructions a pod dearer)."""
    spec = view.spec
    labels = view.pod_meta.get("labels")
    # of a container's securityContext resolve() reads only windowsOptions (HostProcess, Windows intent)
    parts = [labels.get(LABEL_OS) if isinstance(labels, dict) else None, *map(spec.get, _SCHEDULING_FIELDS)]
    for c in view.containers():
        container = c.container
        parts.append((c.list_name, c.index, container.get("image"), container.get("resources"), container.get("restartPolicy"),
                      c.security_context.get("windowsOptions")))
    key = freeze(parts)
    return None if key is None else (id(profile), id(resolved_images) if resolved_images else 0, view.kind, view.prefix, key)


def resolve(view: PodView, profile: Profile, resolved_images: dict | None = None) -> Targeting:
    key = _memo_key(view, profile, resolved_images)
    if key is not None:
        found = _MEMO.get(key)
        if found is not None and found[0] is profile:
            return found[1]
    result = _resolve(view, profile, resolved_images)
    if key is not None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = (profile, result)  # the profile is kept alive with its id
    return result


def _resolve(view: PodView, profile: Profile, resolved_images: dict | None = None) -> Targeting:
    spec = view.spec
    selector = normalize_selector(spec.get("nodeSelector"))
    tolerations = [t for t in as_list(spec.get("tolerations")) if isinstance(t, dict)]
    conflicts: list[str] = []
    rc_name = spec.get("runtimeClassName") if isinstance(spec.get("runtimeClassName"), str) else None
    rc = profile.runtime_classes.get(rc_name) if rc_name else None
    if rc is not None:  # plugin/pkg/admission/runtimeclass: merge scheduling into the pod
        for k, v in rc.node_selector.items():
            if k in selector and selector[k] != v:
                conflicts.append(f"RuntimeClass {rc.name} sets nodeSelector {k}={v} but the pod has {k}={selector[k]}")
            else:
                selector[k] = v
        tolerations = tolerations + [t for t in rc.tolerations if t not in tolerations]
    if view.kind == "DaemonSet":  # the DaemonSet controller adds these to every pod it creates
        tolerations = tolerations + [t for t in daemon_tolerations(spec) if t not in tolerations]
    terms = required_terms(spec)
    os_name = view.os_name if view.os_name in ("windows", "linux") else None
    requests = pod_requests(spec, rc.overhead if rc else None)
    images = image_uses(view, resolved_images or {})
    hp = host_process(view)
    node_name = spec.get("nodeName") if isinstance(spec.get("nodeName"), str) and spec.get("nodeName") else None
    pod_os_label = view.labels.get(LABEL_OS)

    unseen = unseen_labels(selector, terms, profile)
    fits = []
    for pool in profile.pools:
        fit = PoolFit(pool)
        if node_name:
            # NodeName: the scheduler is bypassed; only a pool that has that node can get it.
            if pool.node_names and node_name not in pool.node_names:
                fit.failures.append(("NodeName", f"spec.nodeName is {node_name}, not a node of this pool"))
            # ...but the kubelet still admits it only where its node affinity matches and NoExecute
            # taints are tolerated (pkg/kubelet/lifecycle/predicate.go generalFilter).
            why = _node_affinity(spec, selector, pool)
            if why:
                fit.failures.append(("NodeAffinity", why))
            missing = untolerated(tolerations, pool.taints, effects=("NoExecute",))
            if missing:
                fit.failures.append(("TaintToleration", f"untolerated taint {missing[0].key}:{missing[0].effect}"))
        else:
            if pool.unschedulable and not any(tolerates(t, Taint(UNSCHEDULABLE_TAINT, "", "NoSchedule")) for t in tolerations):
                fit.failures.append(("NodeUnschedulable", "the pool's nodes are cordoned"))
            why = _node_affinity(spec, selector, pool)
            if why:
                fit.failures.append(("NodeAffinity", why))
            elif _selects_hostname(spec, selector, pool) or (pool.node_names and _match_fields(spec)):
                fit.nodes = _per_node(spec, selector, pool, ())[0]
            missing = untolerated(tolerations, pool.taints)
            if profile.assumed:
                # the embedded default's taints are a guess (the upstream guide's os=windows): a pod
                # that tolerates one in another spelling (K2s taints OS=Windows) shows its cluster's own
                missing = [t for t in missing if not tolerated_in_other_spelling(tolerations, t)]
            if missing:
                fit.failures.append(("TaintToleration", f"untolerated taint {missing[0]}"))
            short = _resources_fit(requests, pool, known_only=profile.assumed)
            if short:
                fit.failures.append(("NodeResourcesFit", short))
        # kubelet admission (pkg/kubelet/lifecycle/predicate.go)
        if os_name and os_name != pool.os:
            fit.kubelet.append(("PodOSNotSupported", f"spec.os.name is {os_name} but the node runs {pool.os}"))
        if isinstance(pod_os_label, str) and pod_os_label != pool.os:
            fit.kubelet.append(("PodOSSelectorNodeLabelDoesNotMatch",
                                f"the pod's label {LABEL_OS}={pod_os_label} does not match the node's {pool.os}"))
        _check_images(fit, images, hp)
        if unseen:
            fit.relaxed_failures = [f for f in fit.failures if f[0] != "NodeAffinity"]
            why = _relaxed_affinity(spec, selector, pool, unseen)
            if why:
                fit.relaxed_failures.insert(0, ("NodeAffinity", why))
            if profile.assumed and pool.os == "windows":
                fit.relaxed_failures = _platform_taints(fit.relaxed_failures, tolerations, unseen)
        else:
            fit.relaxed_failures = list(fit.failures)
        fits.append(fit)

    os_intent, evidence = _intent(view, selector, terms, os_name, rc, images, hp)
    return Targeting(fits, selector, tolerations, rc, rc_name, bool(rc_name and rc is None), conflicts,
                     os_intent, evidence, images, hp, unseen_labels=unseen)


def _platform_taints(failures: list[tuple[str, str]], tolerations: list, unseen: tuple[str, ...]) -> list[tuple[str, str]]:
    """With the embedded default profile, a selector on one platform's own labels
    (kubernetes.azure.com/os-sku, agentpool, cloud.google.com/gke-nodepool, ...) says the pod is
    meant for that platform: its Windows taint convention (knowledge/platforms.yaml) replaces the
    default's guessed taint (AKS and EKS set none, GKE node.kubernetes.io/os=windows)."""
    from .model.platforms import platform_of_labels, windows_taints

    platform = platform_of_labels(unseen)
    if platform is None:
        return failures
    missing = untolerated(tolerations, windows_taints(platform))
    return [f for f in failures if f[0] != "TaintToleration"] + \
        ([("TaintToleration", f"untolerated taint {missing[0]} ({platform})")] if missing else [])


def _check_images(fit: PoolFit, images: list[ImageUse], hp: bool) -> None:
    pool = fit.pool
    for use in images:
        if use.os is not None and use.os != pool.os:
            fit.runtime.append((use, f"{use.ref} is a {use.os} image; {pool.describe()} runs {pool.os}"))
        elif pool.os == "windows" and use.os in ("windows", None) and not hp and pool.windows_build:
            # os None: a multi-OS image from the registry; its Windows entries decide on Windows pools
            versions = use.os_versions or ((f"10.0.{use.build}",) if use.build and use.os == "windows" else ())
            if versions and not any(compat.matches(pool.windows_build, v, pool.container_runtime) for v in versions):
                built = ", ".join(dict.fromkeys(compat.build_name(compat.parse_build(v)) if v else "no os.version" for v in versions))
                fit.runtime.append((use, f"{use.ref} is built for {built}, "
                                         f"which {pool.describe()} cannot run in process isolation"))


# WindowsSecurityContextOptions fields whose value asks for Windows (k8s.io/api core/v1 types.go:
# "GMSACredentialSpecName is the name of the GMSA credential spec to use", "The UserName in Windows
# to run the entrypoint of the container process", "HostProcess determines if a container should be
# run as a 'Host Process' container"): a gMSA credential spec (name or the content the gMSA webhook
# inlines) and a Windows user name exist only on Windows, and hostProcess: true is a Windows
# HostProcess container. hostProcess: false asks for what leaving it out gives (an ordinary
# container), an empty object names nothing, and Linux nodes ignore windowsOptions altogether, so
# neither says anything about the OS (a policy fixture that sets hostProcess: false to pass Pod
# Security's windowsHostProcess check is not a Windows pod). Empty strings are invalid values
# (../shared/reference/api-validation.md §5), not a request.
_WINDOWS_OPTIONS_INTENT = ("gmsaCredentialSpecName", "gmsaCredentialSpec", "runAsUserName")


def _windows_options_say(security_context: dict) -> str | None:
    """The windowsOptions field that says this security context is meant for Windows, if any."""
    opts = as_dict(security_context.get("windowsOptions"))
    if opts.get("hostProcess") is True:
        return "hostProcess"
    return next((f for f in _WINDOWS_OPTIONS_INTENT if isinstance(opts.get(f), str) and opts.get(f)), None)


def _intent(view, selector, terms, os_name, rc, images, hp) -> tuple[str | None, list[str]]:
    """What the pod itself says it needs, strongest evidence first. Where it can land is not
    evidence: a toleration for another cluster's taint convention says nothing about the OS."""
    if os_name:
        return os_name, [f"spec.os.name={os_name}"]
    sel_os, why = _os_from_selector(selector, terms)
    if sel_os in ("windows", "linux"):
        ev = [why + (f" (from RuntimeClass {rc.name})" if rc and any(l in rc.node_selector for l in OS_LABELS) else "")]
        return sel_os, ev
    if hp:
        return "windows", ["HostProcess containers are Windows-only"]
    image_oses = {u.os for u in images if u.os}
    if image_oses == {"windows"}:
        return "windows", ["images: " + ", ".join(f"{u.ref} ({u.evidence})" for u in images if u.os)]
    said = [s for s in [_windows_options_say(view.security_context)] + [_windows_options_say(c.security_context)
                                                                        for c in view.containers()] if s]
    if said:
        return "windows", [f"windowsOptions.{said[0]} is set"]
    if image_oses == {"linux"}:
        return "linux", ["images: " + ", ".join(f"{u.ref} ({u.evidence})" for u in images if u.os)]
    return None, []
