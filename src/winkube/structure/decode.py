"""The API server's decoding of a JSON body into the Go types, replayed on a parsed object.

kube-apiserver decodes with sigs.k8s.io/json (a case-sensitive fork of encoding/json) and, under
fieldValidation=Strict (kubectl's default), collects unknown fields. What it answers, in order
(k8s.io/apimachinery pkg/runtime/serializer/json/json.go, sigs.k8s.io/json internal/golang/encoding/json/decode.go):

1. a type that decodes itself (Quantity, IntOrString, Time) and fails stops decoding at once: HTTP 400
   with that error, no field path;
2. otherwise the FIRST value of the wrong JSON kind (string for a list, 1.5 for an int32, ...),
   decoding goes on but only that one is reported: HTTP 400 "json: cannot unmarshal <kind> into Go
   struct field <Struct>.<field.path> of type <T>" (the path has no list indexes and no map keys);
3. otherwise, every unknown field: HTTP 400 "strict decoding error: unknown field "<path>", ..."
   (path with list indexes and map keys; at most 100).
Only then does validation (HTTP 422, field paths and error types) run.

Numbers: a whole float (2.0) counts as an int, as it does for YAML sent by kubectl (sigs.k8s.io/yaml
re-encodes YAML floats through float64, so `replicas: 2.0` arrives as 2).
"""
from __future__ import annotations

import re

from ..k8s.quantity import parse_exact
from ..record import Record
from .schema import StructType

INT32 = (-(1 << 31), (1 << 31) - 1)
INT64 = (-(1 << 63), (1 << 63) - 1)
MAX_STRICT = 100  # sigs.k8s.io/json keeps at most 100 strict errors
QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


def number_text(value) -> str:
    """A JSON number as the API server reads it from YAML sent by kubectl (2.0 arrives as 2)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def quantity_ok(text: str) -> bool:
    """ParseQuantity accepts it (k8s/quantity.py, the one port of it)."""
    return parse_exact(text) is not None


class TypeError_(Record):
    """The first value of the wrong JSON kind (what the server's 400 names)."""
    __slots__ = ("path", "field", "struct", "got", "want")

    def __init__(self, path: tuple, field: str, struct: str, got: str, want: str):
        self.path = path  # full path with indexes and keys (where to point the user)
        self.field = field  # the server's dotted field path (no indexes, no map keys)
        self.struct = struct  # Go struct holding the field
        self.got = got  # JSON kind as the server prints it: string, number, number 1.5, bool, array, object
        self.want = want  # what the schema expects, in words


class FatalError(Record):
    """A self-decoding type refused the value (a bad quantity, a non-integer port) and decoding
    stopped there. When the refusal is a JSON type error (IntOrString and Time decode through
    encoding/json), the server adds the field context as for any type error: `type_error` holds it."""
    __slots__ = ("path", "message", "type_error")

    def __init__(self, path: tuple, message: str, type_error: "TypeError_ | None" = None):
        self.path = path
        self.message = message  # the server's message (after "cannot be handled as a <Kind>: ")
        self.type_error = type_error


class DecodeResult(Record):
    __slots__ = ("fatal", "type_error", "unknown", "ok")

    def __init__(self, fatal: FatalError | None = None, type_error: TypeError_ | None = None,
                 unknown: list[tuple[tuple, str, StructType]] | None = None):
        self.fatal, self.type_error = fatal, type_error
        # (path, the server's strict path, the Go struct that has no such field)
        self.unknown = [] if unknown is None else unknown
        self.settle()

    def settle(self) -> None:
        """`ok` (nothing found) is kept, not computed per read (the engine asks it of every pod):
        whoever fills a result in after creating it settles it again."""
        self.ok = self.fatal is None and self.type_error is None and not self.unknown


_WORDS = {"string": "a string", "int32": "an integer (int32)", "int64": "an integer", "bool": "true or false",
          "number": "a number", "byte": "a base64 string", "quantity": "a quantity (string or number)",
          "intstr": "an integer or a string", "time": "an RFC 3339 time string"}


def describe(node: tuple) -> str:
    kind, arg = node
    if kind == "list":
        return "a list"
    if kind in ("map", "struct"):
        return "an object"
    return _WORDS.get(arg, "a value")


def json_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object"






def strict_path(path) -> str:
    """sigs.k8s.io/json's strict-error path: keys joined by ".", list indexes as [i]."""
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


def field_context(root: StructType, path) -> tuple[str, str]:
    """(Go struct, dotted field stack) the decoder's error context holds at `path`: the JSON names
    of struct fields (with the embedded Go structs they come through), no indexes, no map keys."""
    node: tuple = ("struct", root)
    struct, stack = root.go, []
    for seg in path:
        kind, arg = node
        if kind == "struct":
            struct = arg.go
            stack.extend(arg.inline.get(seg, ()))
            stack.append(seg)
            node = arg.props[seg]
        else:  # list item or map value: nothing is pushed
            node = arg
    return struct, ".".join(stack)


class _Decoder:
    """Walks the object as the Go decoder walks the JSON. Hot path: no strings are built while
    walking; error contexts and strict paths are rebuilt from the path only when something is wrong."""

    __slots__ = ("result", "root", "path")

    def __init__(self, root: StructType):
        self.result = DecodeResult()
        self.root = root
        self.path: list = []

    def _type_error(self, node, got: str) -> TypeError_:
        struct, fld = field_context(self.root, self.path)
        return TypeError_(tuple(self.path), fld, struct, got, describe(node))

    def type_error(self, node, value, got=None):
        if self.result.type_error is None:
            self.result.type_error = self._type_error(node, got or json_kind(value))

    def fatal_type(self, node, got: str) -> bool:
        t = self._type_error(node, got)
        self.result.fatal = FatalError(t.path, f"json: cannot unmarshal {got} into Go struct field {t.struct}.{t.field}", t)
        return False

    def value(self, value, node) -> bool:
        """Decode one value; False when decoding must stop (a fatal error)."""
        kind, arg = node
        if kind == "scalar":
            if arg == "string":
                if value.__class__ is not str and not isinstance(value, str):  # (a str subclass is a JSON string)
                    self.type_error(node, value)
                return True
            return self.scalar(value, arg, node)
        if kind == "struct":
            if value.__class__ is not dict:
                self.type_error(node, value)
                return True
            return self.struct(value, arg)
        path = self.path
        if kind == "list":
            if value.__class__ is not list:
                self.type_error(node, value)
                return True
            for i, item in enumerate(value):
                if item is None:
                    continue
                path.append(i)
                ok = self.value(item, arg)
                path.pop()
                if not ok:
                    return False
            return True
        # map
        if value.__class__ is not dict:
            self.type_error(node, value)
            return True
        for k, item in value.items():
            if item is None:
                continue
            path.append(k)
            ok = self.value(item, arg)
            path.pop()
            if not ok:
                return False
        return True

    def scalar(self, value, name: str, node) -> bool:
        if name == "int32" or name == "int64":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_error(node, value)
            else:
                lo, hi = INT32 if name == "int32" else INT64
                if isinstance(value, float) and not value.is_integer() or not lo <= value <= hi:
                    self.type_error(node, value, got=f"number {number_text(value)}")
        elif name == "bool":
            if not isinstance(value, bool):
                self.type_error(node, value)
        elif name == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_error(node, value)
        elif name == "quantity":
            text = number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
            if not isinstance(text, str) or not quantity_ok(text):
                self.result.fatal = FatalError(tuple(self.path), QUANTITY_FORMAT)
                return False
        elif name == "intstr":
            if isinstance(value, str):
                return True
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return self.fatal_type(node, json_kind(value))
            if isinstance(value, float) and not value.is_integer() or not INT32[0] <= value <= INT32[1]:
                return self.fatal_type(node, f"number {number_text(value)}")
        elif name == "time":
            if not isinstance(value, str):
                return self.fatal_type(node, json_kind(value))
            if not _RFC3339.fullmatch(value):
                self.result.fatal = FatalError(tuple(self.path), f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": cannot parse')
                return False
        elif name == "byte":
            if not isinstance(value, str):
                self.type_error(node, value)
        return True

    def struct(self, obj: dict, st: StructType) -> bool:
        props = st.props
        path = self.path
        for key, item in obj.items():
            node = props.get(key)
            if node is None:
                if len(self.result.unknown) < MAX_STRICT:
                    full = tuple(path) + (key,)
                    self.result.unknown.append((full, strict_path(full), st))
                continue
            if item is None:
                continue
            if node[0] == "scalar" and node[1] == "string":  # the commonest case, inline
                if item.__class__ is not str and not isinstance(item, str):
                    path.append(key)
                    self.type_error(node, item)
                    path.pop()
                continue
            path.append(key)
            ok = self.value(item, node)
            path.pop()
            if not ok:
                return False
        return True


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def decode(obj: dict, root: StructType) -> DecodeResult:
    """Replay the server's decoding of `obj` into the Go type `root` (see the module docstring).
    apiVersion and kind are read by the server before this step and are not re-checked here. This
    is the exact walk, with the server's error context; check.py asks structure/fast.py first,
    which answers a clean object without it."""
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    d = _Decoder(root)
    d.struct(body, root)
    d.result.settle()
    return d.result
