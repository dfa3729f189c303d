"""The structural replay's fast paths give the exact replay's answers.

check() answers a clean object through structure/fast.py (one walk, no paths, shared results) and
the warning replays return early when nothing can warn; whenever a fast path is not sure, the exact
code (check.replay, the warning walks) answers. Here both are run on the same objects and must agree
field for field: the bench documents, the real manifests of tests/data and examples/, the
structural differential's generated malformed objects (tests/harness/structgen.py) at several
releases, random mutations of the real ones (wrong types, nulls, renamed, added and removed
fields, out-of-range numbers), and one object of every workload kind with each value the route's
shortcuts read (the structs validated even when absent, the selector, the template's labels,
restartPolicy) deleted, nulled, emptied or changed, and each of its strings once a str subclass.
The exact replay itself is proven against the
real kube-apiserver by tests/harness/test_structure_differential.py. `make fuzz` runs more cases
(WINKUBE_STRUCT_FAST_CASES)."""
from __future__ import annotations

import copy
import glob
import os
import random
import sys

import pytest

from winkube.load.documents import read_text
from winkube.model.podview import POD_SPEC_PATHS, WORKLOAD_KINDS, pod_view
from winkube.structure import check as structure
from winkube.structure import warnings

from harness.structgen import generate_case

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = int(os.environ.get("WINKUBE_STRUCT_FAST_CASES", "3000"))
RELEASES = [(1, 37), (1, 37), (1, 25), (1, 31), (1, 28)]

class _Str(str):
    """A str subclass (what ruamel.yaml's round-trip loader hands an API caller): a JSON string."""


# values a mutation puts anywhere: every JSON kind, the edges of int32/int64, whole floats (decoded as
# ints), enum values in and out of case, quantities with and without fractional bytes, a time, str
# subclasses (an enum's value among them)
POOL = [_Str("Always"), _Str("x"), None, "", "x", 0, 1, -1, 1.0, 1.5, 2.0, 2**31, 2**31 - 1, -(2**31), -(2**31) - 1, 2**63, -(2**63), 2**63 - 1,
        True, False, [], {}, ["a"], [1], [None], {"a": "b"}, {"a": None}, {"a": 1}, "1Gi", "800m", "1 Gi", "0.5Ki",
        "100u", "2006-01-02T15:04:05Z", "2006-01-02", "25%", "Always", "always", "TCP", "tcp", "Equal", "NoSchedule",
        [{}], [{"name": "a"}], float("nan"), float("inf"), "1e3", "+1", "0x10"]
KEYS = ["name", "image", "extra", "Name", "selector", "labels", "memory", "cpu", "protocol", "operator"]


def _paths(v, p=()):
    yield p
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, p + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, p + (i,))


def _get(obj, path):
    for seg in path:
        obj = obj[seg]
    return obj


def mutate(rng: random.Random, obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        paths = [p for p in _paths(obj) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent, last, r = _get(obj, path[:-1]), path[-1], rng.random()
        if r < 0.55:
            parent[last] = copy.deepcopy(rng.choice(POOL))
        elif r < 0.7 and isinstance(parent, dict):
            new = rng.choice([last.upper(), last.capitalize(), last + "s", last[:-1], last.lower()])
            if new not in parent:
                parent[new] = parent.pop(last)
        elif r < 0.8 and isinstance(parent, dict):
            parent[rng.choice(KEYS)] = copy.deepcopy(rng.choice(POOL))
        elif r < 0.9:
            v = parent[last]
            if isinstance(v, dict) and v:
                del v[rng.choice(list(v))]
            elif isinstance(v, list) and v:
                v.append(copy.deepcopy(v[0]) if rng.random() < 0.5 else None)
            else:
                parent[last] = None
        elif isinstance(parent, dict):
            del parent[last]
        else:
            parent[last] = None
    return obj


def real_objects() -> list[dict]:
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    try:
        from gen import documents
    finally:
        sys.path.pop(0)
    texts = [("bench.yaml", "---\n".join(documents(300)))]
    for f in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "**", "*.y*ml"), recursive=True)
                    + glob.glob(os.path.join(ROOT, "examples", "**", "*.y*ml"), recursive=True)):
        with open(f, encoding="utf-8", errors="replace") as fh:
            texts.append((f, fh.read()))
    out = []
    for name, text in texts:
        for doc in read_text(name, text, []):
            o = doc.obj
            if isinstance(o, dict) and isinstance(o.get("kind"), str):
                items = o.get("items") if o["kind"].endswith("List") else None
                out += [i for i in items if isinstance(i, dict)] if isinstance(items, list) else [o]
    return out


def answer(s) -> tuple:
    """Everything a Structure says, as plain values."""
    d = s.decoded
    decoded = None
    if d is not None:
        f, t = d.fatal, d.type_error
        te = (lambda e: e and (e.path, e.field, e.struct, e.got, e.want))
        decoded = (f and (f.path, f.message, te(f.type_error)), te(t), d.ok, [(p, sp, st.name) for p, sp, st in d.unknown])
    return (s.schema and s.schema.kube_version, s.exact_schema, s.served, s.removal, decoded,
            None if s.causes is None else [(c.path, c.type, c.message) for c in s.causes])


def exact_answer(obj, kube_version):
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return answer(structure.check(obj, kube_version))
    _, root, shared, _ = structure.route(api_version, kind, kube_version)
    return answer(shared if root is None else structure.replay(obj, root, shared))


# Values the shortcuts for a workload's own structure read (structure/fast.py's route: the structs a
# kind validates even when absent, the selector against the template's labels, restartPolicy) are set
# to, at each such path, on a real object of every workload kind: a random mutation seldom lands there.
_DELETE = object()
SHORTCUT_VALUES = [_DELETE, None, {}, [], "", "Always", "Never", "OnFailure", _Str("Always"), {"app": "other"}, {"app": None},
                   [{"key": "app", "operator": "In", "values": ["nope"]}], [{"key": "app", "operator": "Exists"}], [None]]


def _shortcut_paths(obj) -> list[tuple]:
    pod = POD_SPEC_PATHS[obj["kind"]]
    template = pod[:-1]
    spec = template[:-1] if obj["kind"] != "Pod" else ()  # the object the selector sits in
    paths = [pod[:i] for i in range(1, len(pod) + 1)]
    paths += [pod + ("restartPolicy",), pod + ("containers",), pod + ("containers", 0, "imagePullPolicy"),
              template + ("metadata",), template + ("metadata", "labels"),
              template + ("metadata", "labels", "app")]
    if spec:
        paths += [spec + ("selector",), spec + ("selector", "matchLabels"), spec + ("selector", "matchExpressions"),
                  spec + ("selector", "matchLabels", "app")]
    return paths


def _set(obj, path, value) -> dict | None:
    """A copy of obj with the value at path set (or deleted); None when the path is not there."""
    obj = copy.deepcopy(obj)
    parent = obj
    for seg in path[:-1]:
        if isinstance(parent, dict):
            parent = parent.get(seg)
        elif isinstance(parent, list) and isinstance(seg, int) and seg < len(parent):
            parent = parent[seg]
        else:
            return None
    last = path[-1]
    if not isinstance(parent, dict) and not (isinstance(parent, list) and isinstance(last, int) and last < len(parent)):
        return None
    if value is _DELETE:
        if not isinstance(parent, dict) or last not in parent:
            return None
        del parent[last]
    else:
        parent[last] = copy.deepcopy(value)
    return obj


def _other_kinds(deployment: dict) -> list[dict]:
    """The workload kinds the real objects lack, made from a Deployment's own parts."""
    spec = deployment["spec"]
    return [{**deployment, "kind": "ReplicaSet"},
            {"apiVersion": "v1", "kind": "ReplicationController", "metadata": deployment["metadata"],
             "spec": {"replicas": 1, "selector": spec["selector"]["matchLabels"], "template": spec["template"]}},
            {"apiVersion": "v1", "kind": "PodTemplate", "metadata": deployment["metadata"], "template": spec["template"]}]


def shortcut_cases(real: list[dict]) -> list[dict]:
    out, kinds = [], set()
    deployment = next(o for o in real if o.get("kind") == "Deployment" and structure.check(o, (1, 37)).clean)
    for o in real + _other_kinds(deployment):
        kind = o.get("kind")
        if kind not in POD_SPEC_PATHS or kind in kinds or not structure.check(o, (1, 37)).clean:
            continue  # the first clean object of each kind
        kinds.add(kind)
        for path in _shortcut_paths(o):
            out += [c for c in (_set(o, path, v) for v in SHORTCUT_VALUES) if c is not None]
        # every string of it once a str subclass (a JSON string all the same)
        out += [c for c in (_set(o, p, _Str(_get(o, p))) for p in _paths(o) if p and type(_get(o, p)) is str) if c is not None]
    assert kinds == set(POD_SPEC_PATHS), kinds
    return out


def objects():
    real = real_objects()
    rng = random.Random(20261203)
    out = [(o, (1, 37)) for o in real]
    out += [(o, (1, 37)) for o in shortcut_cases(real)]
    out += [(generate_case(20261203, i)["object"], RELEASES[i % len(RELEASES)]) for i in range(CASES)]
    out += [(mutate(rng, rng.choice(real)), RELEASES[i % len(RELEASES)]) for i in range(CASES)]
    return out


@pytest.fixture(scope="module")
def cases():
    return objects()


def test_check_answers_as_the_exact_replay(cases):
    fast, differ = 0, []
    for obj, version in cases:
        s = structure.check(obj, version)
        got = answer(s)
        want = exact_answer(obj, version)
        # `clean` (what the structure rules' precondition reads) only where there is nothing to report
        if got != want or s.clean and (s.served is False or s.decoded is not None and not s.decoded.ok or s.causes):
            differ.append((obj, version, got, want))
        fast += got[4] is not None and got[4][2] and not got[5]
    assert not differ, differ[:3]
    assert fast >= len(cases) // 5  # the fast path is taken (clean objects), not only the exact one


def _warnings(fn, view):
    try:
        return fn(view)
    except Exception as e:  # a malformed object may break a walk: it must break the same way
        return f"{type(e).__name__}: {e}"


def test_warnings_answer_as_their_exact_walks(cases):
    differ, seen = [], 0
    for obj, _ in cases:
        if obj.get("kind") not in WORKLOAD_KINDS if isinstance(obj.get("kind"), str) else True:
            continue
        try:
            view = pod_view(obj)
        except Exception:
            continue
        for fast, slow in ((warnings.node_label_warnings, warnings.node_label_warnings_exact),
                           (warnings.fractional_byte_warnings, warnings.fractional_byte_warnings_exact)):
            got, want = _warnings(fast, view), _warnings(slow, view)
            seen += bool(want)
            if got != want:
                differ.append((obj, fast.__name__, got, want))
    assert not differ, differ[:3]
    assert seen > 100
