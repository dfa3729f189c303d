"""The clean object's fast path: one walk over the object that answers "the API server's decoding
finds nothing, and its field validation finds nothing at any struct it visits" (the common case),
without keeping paths or building results.

It is a filter in front of the exact replay, never a second replay: True is a promise that
structure/decode.py's walk would report nothing and that structure/validate.py's field walk would
find no cause in any struct it reaches (route() below adds what a struct's walk cannot see: the
structs a kind validates even when absent, and the workload's selector and restartPolicy). False says only
"not sure": the exact replay then gives the answer, so anything unusual may answer False (a null
list item of a struct type, a validated field holding "" or an unlisted value).
tests/test_structure_fast.py holds it to that on generated malformed objects.

Compiled once per schema type into closures (kept on the StructType): interpreting the schema's
node tuples per value cost more than the walk.

The walk is bounded by Python's cost per value: a bare loop that only visits every value of a
bench Deployment costs ~55k instructions, this walk ~91k (99k with an items view per struct and
the field checks' loop run for every type). Generating Python source per struct type (as attrs
and cattrs generate their methods: int codes and a tree of comparisons instead of the chain of
identity tests, scalar and list tests written out, direct calls) was measured at ~87k, but
compiling the ~23 types a bench lint meets costs ~40M instructions (~77k per generated line),
more than it saves below ~4,000 workloads a process; a closure per type compiles nothing. One
loop shared by every type with an int code per field was slower (104k with the route's tests).
"""
from __future__ import annotations

from functools import lru_cache

from .decode import INT32, INT64, _RFC3339, number_text, quantity_ok
from .schema import StructType
from .validate import Workload, _field_checks

NOT_SURE, CLEAN, WORKLOAD = False, True, 2  # what a route's walk answers (WORKLOAD: clean, but ask _workload)


@lru_cache(maxsize=4096)
def _quantity_ok(text: str) -> bool:
    return quantity_ok(text)


def _int_clean(lo: int, hi: int):
    def clean(value) -> bool:
        cls = value.__class__
        if cls is int:
            return lo <= value <= hi
        return cls is float and value.is_integer() and lo <= value <= hi
    return clean


def _bool_clean(value) -> bool:
    return value.__class__ is bool


def _number_clean(value) -> bool:
    return value.__class__ is int or value.__class__ is float


def _quantity_clean(value) -> bool:
    cls = value.__class__
    if cls is str:
        if not _quantity_ok(value):
            return False
        if len(_QUANTITIES) < 4096:
            _QUANTITIES.add(value)
        return True
    return cls is int or (cls is float and _quantity_ok(number_text(value)))


_QUANTITIES: set[str] = set()  # quantity texts seen to parse ("250m", "1Gi": a few values recur)


def _intstr_clean(value) -> bool:
    cls = value.__class__
    return cls is str or (cls is int and INT32[0] <= value <= INT32[1]) or (cls is float and value.is_integer()
                                                                          and INT32[0] <= value <= INT32[1])


def _time_clean(value) -> bool:
    return value.__class__ is str and _RFC3339.fullmatch(value) is not None


def _any_clean(value) -> bool:
    return True


# What decode._Decoder.scalar accepts without a word, per scalar name; `str` stands for "a str and
# nothing else" (strings are most fields: the walks test them inline instead of calling a function).
_SCALAR_CLEAN = {"string": str, "byte": str, "int32": _int_clean(*INT32), "int64": _int_clean(*INT64),
                 "bool": _bool_clean, "number": _number_clean, "quantity": _quantity_clean,
                 "intstr": _intstr_clean, "time": _time_clean}

_COMPILED: dict[int, tuple] = {}  # id(node) -> (node, checker): nodes are the schema's cached tuples


def _checker(node):
    kind, arg = node
    if kind == "scalar":
        return _SCALAR_CLEAN.get(arg, _any_clean)
    if kind == "struct":
        return arg._clean or _struct_checker(arg)
    got = _COMPILED.get(id(node))
    if got is not None and got[0] is node:
        return got[1]
    fn = _items_checker(list if kind == "list" else dict, _checker(arg), arg[0] == "struct")
    _COMPILED[id(node)] = (node, fn)
    return fn


def _validated(st: StructType) -> tuple[dict, tuple]:
    """validate._walk's tests of this type's checked fields, as the walk below applies them: an enum
    whose absence says nothing is tested where the loop meets its value (prop -> the accepted
    values' membership test); the others after the loop, as (prop, required?, accepted values).
    A field passes when it holds a value that is not zero and, for an enum, one of its values (or
    is an absent enum that says nothing). Anything else goes the exact way."""
    enums, after = {}, []
    for c in _field_checks(st._schema).get(st.name, ()):
        if c.check != "required" and c.skip_none:
            enums[c.prop] = c.accepted.__contains__  # ("" is not accepted: not sure)
        else:
            after.append((c.prop, c.check == "required", c.accepted))
    return enums, tuple(after)


_STR_MAP, _STR_LIST = object(), object()  # a map or a list of strings: walked inline (no call)


def _struct_checker(st: StructType):
    # prop -> str (a string field), _STR_MAP, _STR_LIST, an enum's membership test or the field's
    # checker; filled after `clean` is kept on the type, so a type that contains itself finds it
    table: dict = {}
    enums, checks = _validated(st)

    # (locals as defaults: cheaper to read than closure cells and globals, per value)
    def clean(value, table=table, checks=checks, str=str, dict=dict, _STR_MAP=_STR_MAP, _STR_LIST=_STR_LIST) -> bool:
        if value.__class__ is not dict:
            return False
        try:
            for k in value:  # (keys and a subscript: cheaper than an items view for a struct's few keys)
                c = table[k]  # KeyError: an unknown field (also when null)
                v = value[k]
                if c is str:
                    if v.__class__ is not str and v is not None:
                        return False
                elif v is None:
                    continue
                elif c is _STR_MAP:
                    if v.__class__ is not dict:
                        return False
                    for x in v.values():
                        if x.__class__ is not str and x is not None:
                            return False
                elif c is _STR_LIST:
                    if v.__class__ is not list:
                        return False
                    for x in v:
                        if x.__class__ is not str and x is not None:
                            return False
                elif not c(v):
                    return False
            if checks:  # (most types have none: no loop set up for them)
                for prop, required, accepted in checks:
                    v = value[prop]  # absent: a KeyError, not sure (as a zero value is)
                    if not v or not required and v not in accepted:
                        return False
        except (KeyError, TypeError):  # TypeError: a list or a map where an enum's string goes
            return False
        return True

    st._clean = clean
    for k, n in st.props.items():
        c = _checker(n)
        if n[0] != "scalar" and n[1] == ("scalar", "string"):
            c = _STR_MAP if n[0] == "map" else _STR_LIST
        table[k] = enums.get(k, c)  # an enum field is a string field: its membership test says both
    return clean


def _items_checker(cls: type, item, structs: bool):
    """A list (cls list) or a map (cls dict) of `item` values. A null item decodes as a zero value,
    which validation checks like any other for a struct type: null struct items answer "not sure"."""
    if structs and cls is list:  # containers, ports, env, volumes, volumeMounts, tolerations
        def clean(value, item=item, list=list) -> bool:
            if value.__class__ is not list:
                return False
            for x in value:
                if not item(x):
                    return False
            return True
        return clean
    if structs:
        def clean(value) -> bool:
            if value.__class__ is not dict:
                return False
            for x in value.values():
                if not item(x):
                    return False
            return True
        return clean
    if item is _quantity_clean and cls is dict:  # resources' limits and requests
        def clean(value, known=_QUANTITIES) -> bool:
            if value.__class__ is not dict:
                return False
            for x in value.values():
                if x.__class__ is str and x in known:
                    continue
                if x is not None and not _quantity_clean(x):
                    return False
            return True
        return clean
    if item is str:  # args, command, labels, annotations, ConfigMap data: the bulk of it
        def clean(value) -> bool:
            if value.__class__ is not cls:
                return False
            for x in (value if cls is list else value.values()):
                if x.__class__ is not str and x is not None:
                    return False
            return True
        return clean

    def clean(value) -> bool:
        if value.__class__ is not cls:
            return False
        for x in (value if cls is list else value.values()):
            if x is not None and not item(x):
                return False
        return True
    return clean


def walk(root: StructType):
    """The walk for objects of type `root`: walk(root)(obj) is True when decoding `obj` finds
    nothing, nor does the field validation of any struct the walk visits (see the module docstring
    for what that leaves to the caller)."""
    return root._clean or _struct_checker(root)


def route(root: StructType, zero: tuple, workload: Workload | None):
    """check()'s walk for objects of one route: the root's walk, then the structs in `zero` (paths
    the kind validates even when absent) must be maps, then the apps workloads' common case of
    validate._workload. Answers NOT_SURE, CLEAN or WORKLOAD (clean but for what validate._workload
    may find: ask it)."""
    root_clean = walk(root)
    if not zero and workload is None:
        return root_clean  # (True and False are CLEAN and NOT_SURE)
    if workload is not None and workload.plain and zero == (("spec", "template", "spec"),):
        return _apps_route(root_clean)
    after = CLEAN if workload is None else WORKLOAD

    def clean(obj, root_clean=root_clean, zero=zero, after=after, dict=dict) -> int:
        if not root_clean(obj):
            return NOT_SURE
        for path in zero:
            v = obj
            for seg in path:
                v = v.get(seg)
                if v.__class__ is not dict:
                    return NOT_SURE
        return after
    return clean


def _apps_route(root_clean):
    """route() for the apps kinds (Deployment, StatefulSet, DaemonSet, ReplicaSet): spec, its template
    and the template's spec must be maps; then a matchLabels selector within the template's labels
    and restartPolicy Always or unset find nothing (validate._workload's common case). Read by
    subscript: after a clean walk each of these is a map, null or absent (a KeyError or TypeError)."""
    def clean(obj, root_clean=root_clean, dict=dict) -> int:
        if not root_clean(obj):
            return NOT_SURE
        try:
            spec = obj["spec"]
            template = spec["template"]
            tspec = template["spec"]
        except (KeyError, TypeError):
            return NOT_SURE
        if tspec.__class__ is not dict:  # (spec and template are maps: subscripted)
            return NOT_SURE
        try:
            selector = spec["selector"]
            if "matchExpressions" in selector and selector["matchExpressions"]:
                return WORKLOAD
            match, labels = selector["matchLabels"], template["metadata"]["labels"]
            if not match or match.__class__ is not dict or labels.__class__ is not dict or not match.items() <= labels.items():
                return WORKLOAD
            if "restartPolicy" in tspec and tspec["restartPolicy"] and tspec["restartPolicy"] != "Always":
                return WORKLOAD
        except (KeyError, TypeError):
            return WORKLOAD
        return CLEAN
    return clean
