"""The warnings kube-apiserver returns (HTTP Warning headers) for deprecated node labels in a pod
spec, on create of a Pod or of any workload's template. Replayed from kubernetes/kubernetes
pkg/api/pod/warnings.go (warningsForPodSpecAndMeta) and pkg/api/node/util.go at v1.37.2; the
messages are the server's, byte for byte (the differential test compares them as strings)."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from ..k8s.quantity import HUGE, parse_exact
from ..k8s.workloads import as_dict, as_list
from ..model.paths import Key, Path, render
from .decode import number_text

# pkg/api/node/util.go deprecatedNodeLabels (v1.37.2)
DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
    "app.kubernetes.io/created-by": "deprecated since v1.9",
    "scheduler.alpha.kubernetes.io/preferAvoidPods": "deprecated since v1.22; use Taints and Tolerations instead",
    "node-role.kubernetes.io/master": 'use "node-role.kubernetes.io/control-plane" instead',
}
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def _label_value_errors(value: str) -> list[str]:
    errs = []
    if len(value.encode()) > 63:
        errs.append("must be no more than 63 bytes")  # content.MaxLenError at v1.37.2
    if not _LABEL_VALUE.fullmatch(value):
        errs.append(_LABEL_VALUE_MSG)
    return errs


def _term(term, check_values: bool, path: Path) -> list[tuple[Path, str]]:
    out = []
    for i, expr in enumerate(as_list(as_dict(term).get("matchExpressions"))):
        expr = as_dict(expr)
        key = expr.get("key")
        p = path + ("matchExpressions", i, "key")
        if isinstance(key, str) and key in DEPRECATED_NODE_LABELS:
            out.append((p, f"{render(p)}: {key} is {DEPRECATED_NODE_LABELS[key]}"))
        if check_values:
            for j, value in enumerate(as_list(expr.get("values"))):
                if isinstance(value, str):
                    vp = path + ("matchExpressions", i, "values", j)
                    out += [(vp, f"{render(vp)}: {value} is invalid, {m}") for m in _label_value_errors(value)]
    return out


def node_label_warnings(view) -> list[tuple[Path, str]]:
    """(path, the server's warning text) for every deprecated node label the pod spec selects on.
    Order: nodeSelector, required terms, preferred terms, topology spread constraints (as the server
    builds them; it iterates nodeSelector in Go map order, so compare as sets)."""
    return [] if node_labels_quiet(view.spec) else node_label_warnings_exact(view)


def node_labels_quiet(spec: dict) -> bool:
    """True: node_label_warnings has nothing to say, known without its walk: no deprecated label in
    the nodeSelector, no node affinity, no spread constraint (most pods). False: not sure."""
    selector, affinity = spec.get("nodeSelector"), spec.get("affinity")
    return (selector is None or selector.__class__ is dict and _DEPRECATED.isdisjoint(selector)) and \
        (affinity is None or affinity.__class__ is dict and affinity.get("nodeAffinity") is None) and \
        "topologySpreadConstraints" not in spec


_DEPRECATED = frozenset(DEPRECATED_NODE_LABELS)


def node_label_warnings_exact(view) -> list[tuple[Path, str]]:
    """node_label_warnings without its shortcuts (tests/test_structure_fast.py compares the two)."""
    spec = view.spec
    out: list[tuple[Path, str]] = []
    prefix = view.path()[:-1]  # the template's path (spec.template, template, ...); () for a Pod
    for key in as_dict(spec.get("nodeSelector")):
        if key in DEPRECATED_NODE_LABELS:
            p = prefix + ("spec", "nodeSelector", Key(key))
            out.append((p, f"{render(p)}: {DEPRECATED_NODE_LABELS[key]}"))
    na = as_dict(as_dict(spec.get("affinity")).get("nodeAffinity"))
    base = prefix + ("spec", "affinity", "nodeAffinity")
    required = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        for i, term in enumerate(as_list(required.get("nodeSelectorTerms"))):
            out += _term(term, False, base + ("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", i))
    for i, pref in enumerate(as_list(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        out += _term(as_dict(pref).get("preference"), True, base + ("preferredDuringSchedulingIgnoredDuringExecution", i, "preference"))
    for i, tsc in enumerate(as_list(spec.get("topologySpreadConstraints"))):
        tsc = as_dict(tsc)
        key = tsc.get("topologyKey")
        if isinstance(key, str) and key in DEPRECATED_NODE_LABELS:
            p = prefix + ("spec", "topologySpreadConstraints", i, "topologyKey")
            out.append((p, f"{render(p)}: {key} is {DEPRECATED_NODE_LABELS[key]}"))
        if tsc.get("labelSelector") is None:
            p = prefix + ("spec", "topologySpreadConstraints", i, "labelSelector")
            out.append((p, f"{render(p)}: a null labelSelector results in matching no pod"))
    return out


def _canonical_fraction(value, fmt: str) -> str:
    """Quantity.String() of a value that is not a whole number of bytes: rounded up to milli
    ("100u" prints as "1m"), in e-notation for exponent quantities ("1e-3")."""
    n = math.ceil(value * 1000)
    return f"{n}e-3" if fmt == "exponent" else f"{n}m"


_WHOLE_BYTES = re.compile(r"\s*\+?[0-9]+(?:Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?\s*")


_BYTE_RESOURCES = ("memory", "ephemeral-storage")


@lru_cache(maxsize=1024)
def _whole_bytes(text: str) -> bool:
    """A whole number of bytes written plainly ("256Mi", "1G"): the common case, no exact arithmetic
    needed (the same few values recur across a repository's manifests)."""
    return _WHOLE_BYTES.fullmatch(text) is not None


def _fractional(resources, path: Path, out: list) -> None:
    if not resources:
        return
    for resource in _BYTE_RESOURCES:
        raw = resources.get(resource)
        if raw is None or raw.__class__ is int or (raw.__class__ is str and _whole_bytes(raw)):
            continue
        text = number_text(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else raw
        value = parse_exact(text) if isinstance(text, str) else None
        if value is None or abs(value) >= HUGE:
            continue
        fmt = "exponent" if re.search(r"[eE][-+]?[0-9]+\s*$", text) else "decimal"
        if math.ceil(value * 1000) % 1000 != 0:
            p = path + (Key(resource),)
            out.append((p, f'{render(p)}: fractional byte value "{_canonical_fraction(value, fmt)}" is invalid, must be an integer'))


def fractional_byte_warnings(view) -> list[tuple[Path, str]]:
    """pkg/api/pod/warnings.go: memory and ephemeral-storage limits/requests (and pod overhead)
    that are not a whole number of bytes ("800m" of memory is 0.8 bytes)."""
    return [] if bytes_quiet(view) else fractional_byte_warnings_exact(view)


def bytes_quiet(view) -> bool:
    """True: fractional_byte_warnings has nothing to say, known without its walk: no pod overhead,
    every memory and ephemeral-storage quantity a plain whole number (most pods). False: not sure."""
    if view.spec.get("overhead"):
        return False
    for c in view.containers():
        res = c.container.get("resources")
        if not res:
            continue
        if res.__class__ is not dict:
            return False
        for part in (res.get("limits"), res.get("requests")):
            if not part:
                continue
            if part.__class__ is not dict:
                return False
            for resource in _BYTE_RESOURCES:
                raw = part.get(resource)
                if raw is None or raw.__class__ is str and raw in _WHOLE or raw.__class__ is int:
                    continue
                if raw.__class__ is not str or not _whole_bytes(raw):
                    return False
                if len(_WHOLE) < 4096:
                    _WHOLE.add(raw)
    return True


_WHOLE: set[str] = set()  # byte quantities seen to be whole ("256Mi", "1Gi": a few values recur)


def fractional_byte_warnings_exact(view) -> list[tuple[Path, str]]:
    """fractional_byte_warnings without its shortcuts (tests/test_structure_fast.py compares the two)."""
    out: list = []
    overhead = as_dict(view.spec.get("overhead"))
    if overhead:
        _fractional(overhead, view.path()[:-1] + ("spec", "overhead"), out)
    for c in view.containers():
        res = c.container.get("resources")
        if not res or not isinstance(res, dict):
            continue
        limits, requests = as_dict(res.get("limits")), as_dict(res.get("requests"))
        if view.kind == "Pod" and c.list_name != "ephemeralContainers":
            # SetDefaults_Pod (pkg/apis/core/v1/defaults.go): a limit without a request becomes the request too
            requests = {**{k: v for k, v in limits.items()}, **requests}
        _fractional(limits, c.path + ("resources", "limits"), out)
        _fractional(requests, c.path + ("resources", "requests"), out)
    return out
