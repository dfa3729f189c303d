"""What a rule reports, and what bad input becomes: plain values that reporters render."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..k8s.stages import Stage
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


@dataclass(slots=True)
class ObjectRef:
    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind or '?'} {ns}{self.name or '<unnamed>'}"

    @classmethod
    def of(cls, obj) -> "ObjectRef":
        """The reference of any object (values that are not strings are shown as text)."""
        obj = obj if isinstance(obj, dict) else {}
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}

        def s(v):
            return v if isinstance(v, str) else (None if v is None else str(v))
        return cls(s(obj.get("apiVersion")), s(obj.get("kind")), s(meta.get("namespace")), s(meta.get("name")))


@dataclass(slots=True)
class Finding:
    rule: str
    stage: Stage
    severity: Severity
    path: Path
    message: str
    fix: str = ""
    error_type: str | None = None  # admission stage: Forbidden / Invalid / Required / NotSupported / TooLong
    object: ObjectRef | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    source_line: str | None = None  # the text of the reported line, for the text reporter

    @property
    def path_str(self) -> str:
        return render(self.path)


@dataclass(slots=True)
class InputError:
    """Input that could not be read: the run goes on with the rest and exits 2 at the end."""

    file: str
    message: str
    line: int | None = None


@dataclass(slots=True)
class Result:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    documents: int = 0
    objects: int = 0
    files: int = 0
    # (file, reason) for files read that hold no Kubernetes object (CI workflows, values files, …):
    # skipped without error, as the peers do; listed with -v and in JSON output
    skipped: list[tuple[str, str]] = field(default_factory=list)
