"""docs/rules.md is generated from the rules' metadata; this keeps the published list in sync."""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys

from reportdata import make_rule
from winkube.docs import REGENERATE, rules_markdown
from winkube.model.finding import Severity, Stage
from winkube.rules import all_rules

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES_MD = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date():
    expected = rules_markdown(all_rules())
    actual = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert actual == expected, f"docs/rules.md is out of date with the rules; regenerate it with: {REGENERATE}"


def test_rules_markdown_has_contents_by_stage_and_every_field():
    rs = [
        make_rule("b-ignored", Stage.IGNORED, Severity.INFO, summary="ignored | piped", source="KEP-1981"),
        make_rule("a-admission", Stage.ADMISSION, Severity.ERROR, summary="rejected"),
        make_rule("c-admission", Stage.ADMISSION, Severity.WARNING),
    ]
    md = rules_markdown({r.id: r for r in rs})
    contents, body = md.split("\n## Rules\n")
    # contents: stages in the order they bite, only those with rules, links to each section
    assert [h for h in re.findall(r"^### (\w+):", contents, re.M)] == ["admission", "ignored"]
    assert contents.index("[a-admission](#a-admission)") < contents.index("[c-admission](#c-admission)")
    assert "[b-ignored](#b-ignored) (info): ignored | piped" in contents
    assert re.findall(r"^### (\S+)$", body, re.M) == ["a-admission", "c-admission", "b-ignored"]
    section = body.split("### b-ignored\n")[1]
    r = rs[0]
    for text in (r.summary, r.explanation, f"**Fix:** {r.fix}", "**Source:** KEP-1981", "| Stage | ignored:",
                 "| Default severity | info |", "| Applies to | pod |", f"| Defined in | `{r.module}` |"):
        assert text in section, text
    assert "| ignored \\| piped |" not in section  # pipes are escaped only inside table cells
    assert md.startswith("# winkube rules\n") and md.endswith("\n") and "3 rules." in md


def test_regenerate_command_writes_the_same_text(tmp_path):
    out = subprocess.run([sys.executable, "-m", "winkube.docs"], capture_output=True, check=True, cwd=tmp_path).stdout
    assert out.decode("utf-8") == rules_markdown(all_rules())
    target = tmp_path / "rules.md"
    subprocess.run([sys.executable, "-m", "winkube.docs", "-o", str(target)], check=True, cwd=tmp_path)
    assert target.read_bytes() == out


def test_rule_index_is_up_to_date():
    from winkube.docs import REGENERATE_INDEX, rules_index

    from winkube.rules import rules_on_disk

    index = ROOT / "src" / "winkube" / "rules" / "index.py"
    assert rules_on_disk() == all_rules()  # the index names every rule module there is
    assert index.read_text(encoding="utf-8") == rules_index(all_rules()), \
        f"src/winkube/rules/index.py is out of date with the rules; regenerate it with: {REGENERATE_INDEX}"


def test_rule_ids_come_from_the_index_without_importing_rule_modules():
    code = ("import sys; from winkube.rules import rule_ids; ids = rule_ids(); "
            "print(len(ids), any(m.startswith('winkube.rules.admission.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(all_rules())), "False"]


def test_rules_and_explain_read_the_index_not_every_rule_module():
    from winkube.rules import one_rule, rule_infos

    assert {k: (i.stage, i.severity, i.summary) for k, i in rule_infos().items()} == \
        {k: (r.stage, r.severity, r.summary) for k, r in all_rules().items()}
    assert one_rule("stop-signal-os") is all_rules()["stop-signal-os"] and one_rule("nope") is None
    code = ("import sys; from winkube.cli import main; main(['rules']); main(['explain', 'stop-signal-os']); "
            "print(sorted(m for m in sys.modules if m.startswith('winkube.rules.') and m.count('.') == 3), file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stderr.strip() == "['winkube.rules.admission._common', 'winkube.rules.admission.stop_signal_os']"
