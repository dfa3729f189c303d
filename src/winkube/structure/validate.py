"""The API server's required-field and enum validation (HTTP 422: Required value, Unsupported
value) of the workload kinds, replayed on an object that decodes cleanly.

The facts are data: the enum values are the release's own schema (knowledge/openapi/), how the Go
validation treats each field (what an empty value means after defaulting, the order the server
lists supported values in, the path it names) and what each workload kind adds on its template are
knowledge/field_validation.yaml, every row citing validation.go of the release. This module only
walks. The walk is planned once per schema root: from the root it descends only into the fields that
lead to a checked struct (the pod spec, its containers, ports, env and tolerations, a CronJob's spec,
a strategy), so an object costs a few dictionary lookups per container, not a schema walk.

Go semantics kept: an absent, null, "" or 0 value is the field's zero value; a null list item
decodes into a zero struct; the structs a workload embeds by value (spec, template, jobTemplate)
are validated even when absent, ReplicationController's template (a pointer) is not.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..k8s.selectors import requirement_matches
from ..knowledge import load
from ..model.paths import Key
from ..record import FrozenRecord, Record
from .schema import Schema, StructType

DATA = "field_validation"


class Cause(FrozenRecord):  # records, not @dataclass: on the start-up path (record.py)
    """One cause of the server's 422, as the Status details list it."""
    __slots__ = ("path", "type", "message")
    path: tuple  # the field path (list indexes as ints, map keys as Key)
    type: str  # field.ErrorType name: Required, NotSupported, Invalid
    message: str  # the server's text after the path ("Required value", "Unsupported value: ...")

    def __init__(self, path: tuple, type: str, message: str):
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "message", message)


def go_quote(value) -> str:
    import json  # only when a value is shown: json stays off the start-up path (tests/test_startup_imports.py)

    return json.dumps(value, ensure_ascii=False)


def _supported(order) -> str:
    return "supported values: " + ", ".join(go_quote(v) for v in order)


def not_supported(path, value, order, shown: str | None = None) -> Cause:
    """`shown`: the value as the server prints it when it is not the plain string (a whole struct)."""
    return Cause(path, "NotSupported", f"Unsupported value: {shown or go_quote(value)}: {_supported(order)}")


def required(path, detail: str = "") -> Cause:
    return Cause(path, "Required", "Required value" + (f": {detail}" if detail else ""))


_GO_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_json(value) -> str:
    """encoding/json.Marshal: sorted map keys, no spaces, <, > and & escaped."""
    import json  # as above

    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).translate(_GO_HTML_ESCAPES)


def invalid(path, value, detail: str) -> Cause:
    return Cause(path, "Invalid", f"Invalid value: {go_json(value)}: {detail}")


def _is_zero(value) -> bool:
    return value is None or value == "" or value == 0 and value is not False or value == [] or value == {}


class FieldCheck(FrozenRecord):
    __slots__ = ("prop", "check", "empty", "accepted", "order", "gated", "gated_order", "at_parent", "not_for",
                 "pointer", "skip_none")
    prop: str
    check: str  # required | enum
    empty: str  # enum: defaulted | allowed | required
    accepted: frozenset
    order: tuple
    gated: tuple  # values the schema lists but a gate (off) refuses, with their own order
    gated_order: tuple
    at_parent: bool
    not_for: frozenset
    pointer: bool  # a *string: absent or null is nil and not validated at all; "" is
    skip_none: bool  # absent or null says nothing (an enum that is defaulted, allowed empty or a pointer)

    def __init__(self, prop: str, check: str, empty: str = "", accepted: frozenset = frozenset(), order: tuple = (),
                 gated: tuple = (), gated_order: tuple = (), at_parent: bool = False, not_for: frozenset = frozenset(),
                 pointer: bool = False, skip_none: bool = False):
        for slot, value in zip(self.__slots__, (prop, check, empty, accepted, order, gated, gated_order, at_parent,
                                                not_for, pointer, skip_none)):
            object.__setattr__(self, slot, value)


    def run(self, value: dict, path: tuple, kind: str, out: list) -> None:
        v = value.get(self.prop)
        if self.check == "required":
            if _is_zero(v):
                out.append(required(path + (self.prop,)))
            return
        if kind in self.not_for:
            return
        where = path if self.at_parent else path + (self.prop,)
        if v is None and self.pointer:
            return
        if v is None or v == "":
            if self.empty == "required":
                out.append(required(where))
            return
        if v in self.accepted:
            return
        shown = _strategy_value(value) if self.at_parent else None
        out.append(not_supported(where, v, self.gated_order if v in self.gated else self.order, shown))


def _strategy_value(strategy: dict) -> str:
    """The server prints the whole internal strategy struct (Go field names, json.Marshal)."""
    ru = strategy.get("rollingUpdate")
    if isinstance(ru, dict):
        ru_text = "{" + ",".join(f'"{go}":{go_quote(ru.get(k))}' for go, k in (("MaxUnavailable", "maxUnavailable"), ("MaxSurge", "maxSurge"))) + "}"
    else:
        ru_text = "null"
    return '{"Type":' + go_quote(strategy.get("type")) + ',"RollingUpdate":' + ru_text + "}"


class Node(Record):
    """The planned walk below one struct: its own checks, and the fields that lead to more."""
    __slots__ = ("checks", "children", "fast")
    checks: tuple
    children: tuple  # (prop, container: struct | list | map, Node)
    # the checks as (prop, required?, accepted values, absent says nothing?, check): what _walk reads per object
    fast: tuple

    def __init__(self, checks: tuple = (), children: tuple = (), fast: tuple = ()):
        self.checks, self.children = checks, children
        self.fast = tuple((c.prop, c.check == "required", c.accepted, c.skip_none, c) for c in checks)


@lru_cache(maxsize=1)
def facts() -> dict:
    return load(DATA)


@lru_cache(maxsize=4)
def _field_checks(schema: Schema) -> dict[str, tuple[FieldCheck, ...]]:
    """Schema type name -> its checks. Enum values are the schema's; a row whose order disagrees
    with the schema's enum (a new release added or dropped a value) is a broken data file. The rows
    read v1.37.2's code; in an older release's schema a gated value may not exist yet (refused
    with the row's order, as that release does), and a field whose `// +enum` marker came later
    has no enum (the row's values hold: PodSpec.preemptionPolicy before 1.27, validated the same)."""
    out = {}
    for type_name, fields in facts()["fields"].items():
        st = schema.struct(type_name)
        checks = []
        for prop, row in fields.items():
            if prop not in st.props:
                raise ValueError(f"knowledge/{DATA}.yaml: {type_name} has no field {prop!r} in the {schema.kube_version} schema")
            if row["check"] == "enum":
                gated = dict(row.get("gated") or {})
                if prop in st.enums:
                    gated["values"] = [v for v in gated.get("values", ()) if v in st.enums[prop]]
                listed = set(row["order"]) | set(gated.get("values", ()))
                if listed != set(st.enums.get(prop, listed)):
                    raise ValueError(f"knowledge/{DATA}.yaml: {type_name}.{prop} lists {sorted(listed)}, the schema "
                                     f"{sorted(st.enums.get(prop, ()))}")
                checks.append(FieldCheck(prop, "enum", row["empty"], frozenset(row["order"]), tuple(row["order"]),
                                         tuple(gated.get("values", ())), tuple(gated.get("order", ())),
                                         row.get("at") == "parent", frozenset(row.get("not_for", ())),
                                         bool(row.get("pointer")), bool(row.get("pointer")) or row["empty"] != "required"))
            else:
                checks.append(FieldCheck(prop, "required"))
        out[type_name] = tuple(checks)
    return out


def _plan(schema: Schema, st: StructType, memo: dict) -> Node | None:
    if st.name in memo:
        return memo[st.name]
    memo[st.name] = None  # a cycle leads nowhere new
    checks = _field_checks(schema).get(st.name, ())
    children = []
    for prop, node in st.props.items():
        container = "struct"
        while node[0] in ("list", "map"):
            container = node[0] if container == "struct" else "nested"
            node = node[1]
        if node[0] != "struct" or container == "nested":
            continue
        child = _plan(schema, node[1], memo)
        if child is not None:
            children.append((prop, container, child))
    result = Node(checks, tuple(children)) if checks or children else None
    memo[st.name] = result
    return result


@lru_cache(maxsize=64)
def plan(schema: Schema, root: StructType) -> Node | None:
    return _plan(schema, root, {})


def _walk(value: dict, node: Node, path: tuple, kind: str, zero: frozenset, out: list) -> None:
    for prop, is_required, accepted, skip_none, check in node.fast:
        v = value.get(prop)
        if v:  # set and not empty: only an enum value outside the enum is wrong
            if is_required or v in accepted:
                continue
        elif v is None and skip_none:
            continue
        check.run(value, path, kind, out)
    for prop, container, child in node.children:
        v = value.get(prop)
        if container == "struct":
            if v is None:
                if path + (prop,) not in zero:
                    continue
                v = {}
            _walk(v, child, path + (prop,), kind, zero, out)
        elif not v:
            continue
        elif container == "list":
            sub = path + (prop,)
            for i, item in enumerate(v):
                _walk(item if item is not None else {}, child, sub + (i,), kind, zero, out)
        else:
            sub = path + (prop,)
            for k, item in v.items():
                _walk(item if item is not None else {}, child, sub + (Key(k),), kind, zero, out)


def _get(obj, path):
    for seg in path:
        obj = obj.get(seg) if isinstance(obj, dict) else None
    return obj


@lru_cache(maxsize=16)
def _zero_paths(kind: str) -> frozenset:
    """The structs a kind embeds by value on the way to its pod spec: validated even when absent."""
    row = facts()["workloads"].get(kind) or {}
    paths = set()
    for base in (tuple(row.get("spec", ())), tuple(row["template"]) + ("spec",) if "template" in row else ()):
        paths |= {base[:i] for i in range(1, len(base) + 1)}
    if row.get("template_pointer"):  # ReplicationController: an absent template is not walked
        paths.discard(tuple(row["template"]))
    return frozenset(paths)


def _strmap(value) -> dict:
    """A map[string]string as Go decodes it: a null value is ""."""
    return {k: "" if v is None else v for k, v in (value or {}).items()}


def _selector_parses(selector: dict) -> bool:
    """metav1.LabelSelectorAsSelector succeeds (else the server says "invalid label selector" at the
    selector, not validated here, and skips the template check). Label key/value syntax is not
    replayed: a selector with a malformed key or value is left alone (no finding)."""
    for e in selector.get("matchExpressions") or ():
        e = e or {}
        op, values, key = e.get("operator"), e.get("values") or [], e.get("key")
        if not isinstance(key, str) or not _LABEL.fullmatch(key) or any(not isinstance(v, str) or not _VALUE.fullmatch(v) for v in values):
            return False
        if op in ("In", "NotIn") and not values or op in ("Exists", "DoesNotExist") and values or op not in _OPS:
            return False
    return all(_LABEL.fullmatch(k) and _VALUE.fullmatch(v) for k, v in _strmap(selector.get("matchLabels")).items())


_OPS = ("In", "NotIn", "Exists", "DoesNotExist")
# label keys and values as the generator and ordinary manifests write them (a strict subset)
_LABEL = re.compile(r"([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?")


def _label(labels, key):
    v = labels.get(key, _ABSENT)
    return "" if v is None else v


_ABSENT = object()


def _selector_matches(selector: dict, labels: dict) -> bool:
    for k, v in (selector.get("matchLabels") or {}).items():
        if _label(labels, k) != ("" if v is None else v):
            return False
    exprs = selector.get("matchExpressions")
    return not exprs or all(requirement_matches(e or {}, _strmap(labels)) for e in exprs)


class Workload(FrozenRecord):
    """One row of the data file's `workloads`, read once per kind."""
    __slots__ = ("spec", "template", "labels", "restart_path", "selector", "word", "restart", "plain")
    spec: tuple
    template: tuple
    labels: tuple
    restart_path: tuple
    selector: str | None
    word: str
    restart: str | None
    # the apps kinds' shape: spec.selector selects spec.template, whose pods restart Always only
    plain: bool

    def __init__(self, spec: tuple, template: tuple, labels: tuple, restart_path: tuple, selector: str | None,
                 word: str, restart: str | None, plain: bool = False):
        for slot, value in zip(self.__slots__, (spec, template, labels, restart_path, selector, word, restart, plain)):
            object.__setattr__(self, slot, value)


@lru_cache(maxsize=16)
def workload(kind) -> Workload | None:
    row = facts()["workloads"].get(kind)
    if not row or "spec" not in row:
        return None
    tpl = tuple(row["template"])
    return Workload(tuple(row["spec"]), tpl, tpl + ("metadata", "labels"), tpl + ("spec", "restartPolicy"),
                    row.get("selector"), row.get("empty_selector_word", ""), row.get("restart"),
                    row["spec"] == ["spec"] and tpl == ("spec", "template") and row.get("restart") == "always"
                    and row.get("selector") in ("required", "label"))


_MISMATCH = "`selector` does not match template `labels`"


def _workload(obj: dict, w: Workload, out: list) -> None:
    spec = _get(obj, w.spec) or {}
    template = _get(obj, w.template)
    tspec = template.get("spec") if template else None
    meta = template.get("metadata") if template else None
    labels = meta.get("labels") if meta else None
    how = w.selector
    if how == "required" or how == "label":
        selector = spec.get("selector")
        if selector is None:
            if how == "required":
                out.append(required(w.spec + ("selector",)))
            out.append(invalid(w.labels, labels, _MISMATCH))  # a nil selector matches nothing
        elif not (selector.get("matchLabels") or selector.get("matchExpressions")):
            # (the server prints the selector it holds: both lists empty, so omitted: {})
            out.append(invalid(w.spec + ("selector",), {}, f"empty selector is invalid for {w.word}"))
        elif not _selector_matches(selector, labels or {}) and _selector_parses(selector):
            out.append(invalid(w.labels, labels, _MISMATCH))
    elif how == "map":
        selector = _strmap(spec.get("selector"))
        if not selector and isinstance(labels, dict):
            selector = _strmap(labels)  # SetDefaults_ReplicationController
        if not selector:
            out.append(required(w.spec + ("selector",)))
        if template is None:
            out.append(required(w.template))
            return  # nothing else of the template is validated
        if selector and any(_label(labels or {}, k) != v for k, v in selector.items()):
            out.append(invalid(w.labels, labels, _MISMATCH))
    restart = (tspec.get("restartPolicy") if tspec else None) or ""
    if w.restart == "always":
        if restart and restart != "Always":
            out.append(not_supported(w.restart_path, restart, ("Always",)))
    elif w.restart == "job":
        if restart == "" or restart == "Always":
            out.append(required(w.restart_path, 'valid values: "OnFailure", "Never"'))
        elif restart != "OnFailure" and restart != "Never":
            out.append(not_supported(w.restart_path, restart, ("OnFailure", "Never")))


def validate(obj: dict, schema: Schema, root: StructType) -> list[Cause]:
    """The Required / NotSupported causes (and the selector-vs-template Invalid ones) the server's
    validation gives `obj`, which must decode cleanly (structure.decode found nothing)."""
    kind = obj.get("kind")
    out: list[Cause] = []
    node = plan(schema, root)
    if node is not None:
        _walk(obj, node, (), kind, _zero_paths(kind), out)
    w = workload(kind)
    if w is not None:
        _workload(obj, w, out)
    return out
