"""Label selector requirements, nodeSelector and required node affinity, as the scheduler's
NodeAffinity filter evaluates them (k8s.io/apimachinery/pkg/labels, k8s.io/component-helpers
scheduling/corev1/nodeaffinity). Pure functions of plain dicts: no node pools, no profiles."""
from __future__ import annotations

import re
from collections.abc import Iterable

from .workloads import as_dict, as_list

_INT64 = re.compile(r"[+-]?[0-9]+")


def parse_int64(value) -> int | None:
    """Go's strconv.ParseInt(value, 10, 64), which labels.Requirement.Matches uses for Gt/Lt:
    ASCII digits with an optional sign, in int64 range. Python's int() also takes "1_0" (a valid
    label value) and surrounding whitespace; Go refuses them, so such a label never matches Gt/Lt."""
    if not isinstance(value, str) or not _INT64.fullmatch(value):
        return None
    n = int(value)
    return n if -(1 << 63) <= n < (1 << 63) else None


def requirement_matches(expr: dict, labels: dict) -> bool:
    """One matchExpressions entry (In, NotIn, Exists, DoesNotExist, Gt, Lt) against a label set."""
    key, op = expr.get("key"), expr.get("operator")
    values = [str(v) for v in as_list(expr.get("values"))]
    has = key in labels
    value = labels.get(key)
    if op == "In":
        return has and value in values
    if op == "NotIn":
        return not has or value not in values
    if op == "Exists":
        return has
    if op == "DoesNotExist":
        return not has
    if op in ("Gt", "Lt"):
        left, right = parse_int64(value), parse_int64(values[0] if len(values) == 1 else None)
        if left is None or right is None:
            return False
        return left > right if op == "Gt" else left < right
    return False


def term_matches(term: dict, labels: dict, node_names: Iterable[str] = ()) -> bool | None:
    """A nodeSelectorTerm: every expression must match; an empty term matches nothing.
    matchFields (metadata.name) is answered from node_names: one node must satisfy every field
    requirement of the term (nodeSelectorTerm.match runs per node with fields {"metadata.name":
    node.Name}); None when no node names are known (unknowable)."""
    exprs = [e for e in as_list(term.get("matchExpressions")) if isinstance(e, dict)]
    fields = [e for e in as_list(term.get("matchFields")) if isinstance(e, dict)]
    if not exprs and not fields:
        return False
    if not all(requirement_matches(e, labels) for e in exprs):
        return False
    if not fields:
        return True
    if any(f.get("key") != "metadata.name" for f in fields):
        return False
    names = list(node_names)
    if not names:
        return None
    return any(all(requirement_matches({**f, "key": "n"}, {"n": n}) for f in fields) for n in names)


def required_terms(spec: dict) -> list[dict] | None:
    """requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms of a pod spec (None: not set)."""
    req = as_dict(as_dict(as_dict(spec.get("affinity")).get("nodeAffinity")).get(
        "requiredDuringSchedulingIgnoredDuringExecution"))
    if not req:
        return None
    return [t for t in as_list(req.get("nodeSelectorTerms")) if isinstance(t, dict)]


def terms_mention(terms: list[dict] | None, keys: Iterable[str]) -> bool:
    """Whether any matchExpressions of the terms is about one of keys."""
    keys = set(keys)
    return any(isinstance(e, dict) and e.get("key") in keys
               for t in terms or () for e in as_list(t.get("matchExpressions")))


def terms_in_values(terms: list[dict] | None, keys: Iterable[str]) -> set[str]:
    """Every value an `In` expression on one of keys allows, over all terms."""
    keys = set(keys)
    return {str(v) for t in terms or () for e in as_list(t.get("matchExpressions"))
            if isinstance(e, dict) and e.get("key") in keys and e.get("operator") == "In"
            for v in as_list(e.get("values"))}


def selector_mismatch(selector: dict, labels: dict) -> tuple[str, str, str | None] | None:
    """The first nodeSelector entry the labels do not satisfy, as (key, wanted, have); None when
    every entry matches (a nodeSelector is an AND of exact label matches)."""
    for k, v in selector.items():
        have = labels.get(k)
        if have != str(v):
            return k, str(v), have
    return None


def selector_matches(selector: dict, labels: dict) -> bool:
    return selector_mismatch(selector, labels) is None


def normalize_selector(raw) -> dict[str, str]:
    """A nodeSelector as the API server stores it: string keys and values (null becomes "")."""
    return {str(k): ("" if v is None else str(v)) for k, v in as_dict(raw).items()}
