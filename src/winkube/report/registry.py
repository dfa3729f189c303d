"""One reporter registry for every command: `-o FORMAT` means the same everywhere.

A command registers a `Reporter`: the `kind` of its document, a function that turns its result
into that document's body, and its own views (text, html, sarif, junit). Document formats — JSON
and YAML — are generic: every registered command gets each of them, in one envelope

    {"apiVersion": "winkube.io/v1", "kind": <kind>, ...body}

so a new document format is one entry in DOCUMENT_FORMATS, for lint, plan, audit, images, rules
and profile at once. SARIF and JUnit are views: their schemas are other people's.
"""
from __future__ import annotations

from collections.abc import Callable
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any, TextIO

from ..record import Record

API_VERSION = "winkube.io/v1"


def envelope(kind: str, body: dict) -> dict:
    return {"apiVersion": API_VERSION, "kind": kind, **body}


def write_json(doc: dict, out: TextIO) -> None:
    # ASCII (\uXXXX escapes): survives any console encoding; input bytes cannot reach a terminal unescaped
    import json  # only JSON output needs it

    json.dump(doc, out, indent=2, ensure_ascii=True)
    out.write("\n")


def write_yaml(doc: dict, out: TextIO) -> None:
    import yaml
    yaml.safe_dump(doc, out, sort_keys=False, allow_unicode=False, width=120)


DOCUMENT_FORMATS: dict[str, Callable[[dict, TextIO], None]] = {"json": write_json, "yaml": write_yaml}


class Reporter(Record):
    __slots__ = ("kind", "document", "views", "default")

    def __init__(self, kind: str, document: Callable[[Any], dict], views: dict[str, Callable[..., None]] | None = None,
                 default: str = "text"):
        self.kind = kind  # the document's kind: LintReport, Plan, AuditReport, ImageList, RuleList, ClusterProfile
        self.document = document  # result -> document body (without apiVersion/kind)
        self.views = {} if views is None else views  # fmt -> view(result, out, color=...)
        self.default = default

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.views) + tuple(f for f in DOCUMENT_FORMATS if f not in self.views)

    def to_document(self, result) -> dict:
        return envelope(self.kind, self.document(result))

    def render(self, fmt: str, result, out: TextIO, *, color: bool = False) -> None:
        if fmt in self.views:
            self.views[fmt](result, out, color=color)
        elif fmt in DOCUMENT_FORMATS:
            DOCUMENT_FORMATS[fmt](self.to_document(result), out)
        else:
            raise ValueError(f"unknown output format {fmt!r}; choose one of: {', '.join(self.formats)}")


# command -> "module:attribute" of its Reporter (imported when that command renders)
COMMANDS = {
    "lint": "winkube.report.lint:LINT",
    "plan": "winkube.plan.render:PLAN",
    "audit": "winkube.audit.report:AUDIT",
    "images": "winkube.registry.command:IMAGES",
    "rules": "winkube.report.rules:RULES",
    "profile": "winkube.report.profile:PROFILE",
    "profile list": "winkube.report.profile:PLATFORMS",
}


def reporter_for(command: str) -> Reporter:
    import importlib
    module, attr = COMMANDS[command].split(":")
    return getattr(importlib.import_module(module), attr)


def render(command: str, fmt: str, result, out: TextIO, *, color: bool = False) -> None:
    reporter_for(command).render(fmt, result, out, color=color)


__all__ = ["API_VERSION", "COMMANDS", "DOCUMENT_FORMATS", "Reporter", "envelope", "render", "reporter_for",
           "write_json", "write_yaml"]
