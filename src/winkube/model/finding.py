"""What a rule reports, and what bad input becomes: plain values that reporters render."""
from __future__ import annotations

from enum import Enum

from ..k8s.stages import Stage
from ..record import Record
from .paths import Path, render


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def __str__(self) -> str:
        return self.value


class ObjectRef(Record):
    __slots__ = ("api_version", "kind", "namespace", "name")

    def __init__(self, api_version: str | None, kind: str | None, namespace: str | None, name: str | None):
        self.api_version, self.kind, self.namespace, self.name = api_version, kind, namespace, name

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind or '?'} {ns}{self.name or '<unnamed>'}"

    @classmethod
    def of(cls, obj) -> "ObjectRef":
        """The reference of any object (values that are not strings are shown as text)."""
        obj = obj if isinstance(obj, dict) else {}
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        return cls(_text(obj.get("apiVersion")), _text(obj.get("kind")), _text(meta.get("namespace")), _text(meta.get("name")))


def _text(v) -> str | None:
    return v if isinstance(v, str) else (None if v is None else str(v))


class Finding(Record):
    __slots__ = ("rule", "stage", "severity", "path", "message", "fix", "error_type", "object", "file", "line", "column",
                 "source_line")

    def __init__(self, rule: str, stage: Stage, severity: Severity, path: Path, message: str, fix: str = "",
                 error_type: str | None = None, object: ObjectRef | None = None, file: str | None = None,
                 line: int | None = None, column: int | None = None, source_line: str | None = None):
        self.rule, self.stage, self.severity, self.path, self.message, self.fix = rule, stage, severity, path, message, fix
        self.error_type = error_type  # admission stage: Forbidden / Invalid / Required / NotSupported / TooLong
        self.object, self.file, self.line, self.column = object, file, line, column
        self.source_line = source_line  # the text of the reported line, for the text reporter

    @property
    def path_str(self) -> str:
        return render(self.path)


class InputError(Record):
    """Input that could not be read: the run goes on with the rest and exits 2 at the end."""

    __slots__ = ("file", "message", "line")

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.message, self.line = file, message, line


class Result(Record):
    __slots__ = ("findings", "errors", "documents", "objects", "files", "skipped")

    def __init__(self, findings: list[Finding] | None = None, errors: list[InputError] | None = None, documents: int = 0,
                 objects: int = 0, files: int = 0, skipped: list[tuple[str, str]] | None = None):
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.documents, self.objects, self.files = documents, objects, files
        # (file, reason) for files read that hold no Kubernetes object (CI workflows, values files, …):
        # skipped without error, as the peers do; listed with -v and in JSON output
        self.skipped = [] if skipped is None else skipped
