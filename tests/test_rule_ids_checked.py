"""Unknown rule ids are errors wherever they appear (issue 11, item 4): a typo must never pass
silently as "rule turned off" or "finding suppressed"."""
from __future__ import annotations

from test_cli import GOOD_POD, WINDOWS_POD, run

TYPO = "windows-forbiden-field"
HINT = "did you mean 'windows-forbidden-field'?"


def test_config_file_rule_typo_is_exit_2_with_did_you_mean(tmp_path):
    (tmp_path / ".winkube.yaml").write_text(f"rules:\n  {TYPO}: off\n")
    (tmp_path / "pod.yaml").write_text(WINDOWS_POD)
    r = run("lint", "pod.yaml", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert f".winkube.yaml: rules.{TYPO}: unknown rule '{TYPO}'; {HINT}" in r.stderr


def test_disable_and_enable_typos_are_exit_2(tmp_path):
    (tmp_path / "pod.yaml").write_text(WINDOWS_POD)
    for flag in ("--disable", "--enable"):
        r = run("lint", flag, TYPO, str(tmp_path / "pod.yaml"))
        assert r.returncode == 2, (flag, r.stdout)
        assert r.stderr.strip() == f"winkube: error: {flag} {TYPO}: unknown rule '{TYPO}'; {HINT}"
    r = run("lint", "--disable", "windows-forbidden-field", "--enable", "windows-forbidden-field", str(tmp_path / "pod.yaml"))
    assert r.returncode == 2 and "both name windows-forbidden-field" in r.stderr


def test_enable_overrides_a_rule_the_config_turns_off(tmp_path):
    (tmp_path / ".winkube.yaml").write_text("rules:\n  windows-forbidden-field: off\n")
    (tmp_path / "pod.yaml").write_text(WINDOWS_POD)
    assert "windows-forbidden-field" not in run("lint", "pod.yaml", cwd=tmp_path).stdout
    r = run("lint", "--enable", "windows-forbidden-field", "pod.yaml", cwd=tmp_path)
    assert r.returncode == 1 and "windows-forbidden-field" in r.stdout


def test_ignore_annotation_typo_is_an_input_error_at_its_line(tmp_path):
    pod = GOOD_POD.replace("metadata: {name: w}", f"metadata:\n  name: w\n  annotations:\n    winkube.io/ignore: 'no-os-targeting, {TYPO}'")
    (tmp_path / "pod.yaml").write_text(pod)
    r = run("lint", "pod.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert f"pod.yaml:6: error: winkube.io/ignore: unknown rule '{TYPO}'; {HINT}" in r.stdout
    # the pod template's annotation of a workload is checked too, and known ids pass
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n"
              "      annotations: {winkube.io/ignore: no-such-rule}\n    spec:\n      containers: [{name: c, image: nginx}]\n")
    (tmp_path / "d.yaml").write_text(deploy)
    r = run("lint", "d.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "d.yaml:7: error: winkube.io/ignore: unknown rule 'no-such-rule'" in r.stdout
    (tmp_path / "d.yaml").write_text(deploy.replace("no-such-rule", "no-os-targeting"))
    assert run("lint", "d.yaml", cwd=tmp_path).returncode in (0, 1)
