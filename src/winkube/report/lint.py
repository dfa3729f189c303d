"""`winkube lint`'s reporter: text, SARIF and JUnit views; JSON and YAML documents (kind LintReport)."""
from __future__ import annotations

from dataclasses import dataclass

from ..model.finding import Result
from . import REPORTERS, jsonout
from .registry import Reporter


@dataclass
class LintOutput:
    result: Result
    rules: dict


def _view(fmt: str):
    def view(out_: LintOutput, out, *, color: bool = False) -> None:
        REPORTERS[fmt](out_.result, out_.rules, out, color=color)
    return view


LINT = Reporter(jsonout.KIND, lambda o: jsonout.to_dict(o.result),
                {"text": _view("text"), "sarif": _view("sarif"), "junit": _view("junit")})
