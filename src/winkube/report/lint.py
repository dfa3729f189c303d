"""`winkube lint`'s reporter: text, SARIF and JUnit views; JSON and YAML documents (kind LintReport)."""
from __future__ import annotations

from collections.abc import Callable

from ..model.finding import Result
from ..record import Record
from . import REPORTERS, jsonout
from .registry import Reporter


class LintOutput(Record):
    __slots__ = ("result", "rules")

    def __init__(self, result: Result, rules: dict | Callable[[], dict]):
        self.result = result
        # the rules by id, or a function that returns them: called only by a view that describes every
        # rule (SARIF), so a text run imports no rule module its input did not need
        self.rules = rules


def _view(fmt: str, describes_rules: bool = False):
    def view(out_: LintOutput, out, *, color: bool = False) -> None:
        rules = out_.rules
        if callable(rules):
            rules = rules() if describes_rules else {}
        REPORTERS[fmt](out_.result, rules, out, color=color)
    return view


LINT = Reporter(jsonout.KIND, lambda o: jsonout.to_dict(o.result),
                {"text": _view("text"), "sarif": _view("sarif", describes_rules=True), "junit": _view("junit")})
