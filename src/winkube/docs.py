"""Generate docs/rules.md from the rules' own metadata (the sqlfluff / ruff model).

Regenerate with:

    python -m winkube.docs > docs/rules.md
    python -m winkube.docs --index -o src/winkube/rules/index.py

or `python -m winkube.docs -o docs/rules.md`. tests/report/test_docs_sync.py fails when either file
is out of date. The index lets a command know every rule id (config checks, `winkube rules`,
completion) without importing the 60-odd rule modules.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .model.finding import Severity, Stage
from .report.rules import STAGE_TEXT, ordered, rule_anchor

if TYPE_CHECKING:
    from .rules.base import Rule

REGENERATE = "python -m winkube.docs > docs/rules.md"
REGENERATE_INDEX = "python -m winkube.docs --index -o src/winkube/rules/index.py"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rules_markdown(rules: dict[str, Rule]) -> str:
    """The whole of docs/rules.md: contents grouped by stage, then one section per rule."""
    rs = ordered(rules.values())
    lines = [
        "# winkube rules",
        "",
        f"<!-- Generated from the rules' metadata by `{REGENERATE}`. Do not edit by hand. -->",
        "",
        f"{len(rs)} rules. Every finding has a *stage* — when the problem bites — and a default severity,",
        "which `.winkube.yaml` can override or turn off per rule (see [configuration](configuration.md)).",
        "`winkube rules` lists the rules and `winkube explain RULE` prints one of these sections.",
        "",
        "## Contents",
    ]
    by_stage: dict[Stage, list[Rule]] = {}
    for r in rs:
        by_stage.setdefault(Stage(r.stage), []).append(r)
    for stage, group in by_stage.items():
        lines += ["", f"### {stage.value}: {STAGE_TEXT[stage]}", ""]
        lines += [f"- [{r.id}](#{rule_anchor(r.id)}) ({Severity(r.severity).value}): {' '.join(r.summary.split())}"
                  for r in group]
    lines += ["", "## Rules"]
    for r in rs:
        stage = Stage(r.stage)
        lines += [
            "",
            f"### {r.id}",
            "",
            " ".join(r.summary.split()),
            "",
            "| | |",
            "|---|---|",
            f"| Stage | {stage.value}: {_cell(STAGE_TEXT[stage])} |",
            f"| Default severity | {Severity(r.severity).value} |",
            f"| Applies to | {_cell(r.scope)} |",
            f"| Defined in | `{r.module}` |" if r.module else "| Defined in | |",
            "",
            r.explanation.strip(),
            "",
            f"**Fix:** {r.fix.strip()}",
            "",
            f"**Source:** {r.source.strip()}",
        ]
        if r.fails:
            lines += ["", "Reported:", "", "```yaml", r.fails, "```"]
        if r.passes:
            lines += ["", "Not reported:", "", "```yaml", r.passes, "```"]
        if r.no_example:
            lines += ["", f"No example manifest: {r.no_example}"]
    return "\n".join(lines) + "\n"


def rules_index(rules: dict[str, Rule]) -> str:
    """src/winkube/rules/index.py: rule id -> (module, stage, severity, summary), sorted by id, and
    each scope's rule modules (the engine imports a scope's rules when an object first needs them)."""
    lines = [
        f'"""Every rule id, generated from the rules\' metadata by `{REGENERATE_INDEX}`.',
        "",
        "Read by commands that need the ids or summaries but not the checks (config and suppression",
        "checks, `winkube rules`, shell completion), and by the engine, which imports only the rule",
        "modules of the scopes its objects need (a lint of Deployments never imports the Node rules);",
        "tests/report/test_docs_sync.py keeps it in sync.",
        '"""',
        "",
        "# id: (module, stage, default severity, summary)",
        "RULES: dict[str, tuple[str, str, str, str]] = {",
    ]
    for r in sorted(rules.values(), key=lambda r: r.id):
        lines.append(f"    {r.id!r}: ({r.module!r}, {Stage(r.stage).value!r}, {Severity(r.severity).value!r}, {' '.join(r.summary.split())!r}),")
    lines.append("}")
    scopes: dict[str, list[str]] = {}
    for r in sorted(rules.values(), key=lambda r: r.module):
        scopes.setdefault(r.scope, []).append(r.module)
    lines += ["", "# scope: the modules of its rules", "SCOPES: dict[str, tuple[str, ...]] = {"]
    for scope in sorted(scopes):
        lines.append(f"    {scope!r}: (")
        lines += [f"        {m!r}," for m in scopes[scope]]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m winkube.docs", description="Write docs/rules.md from the rules' metadata.")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--index", action="store_true", help="write the rule index (src/winkube/rules/index.py) instead")
    args = parser.parse_args(argv)
    from .rules import rules_on_disk

    text = rules_index(rules_on_disk()) if args.index else rules_markdown(rules_on_disk())
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        # The same bytes on every platform, whatever the console encoding.
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
