from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from winkube.config import CONFIG_NAME, Config, ConfigError, find_config, glob_to_regex, load_config
from winkube.model.finding import Finding, Severity, Stage


def write(tmp_path: Path, text: str, name: str = CONFIG_NAME) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def finding(rule: str = "r", severity: Severity = Severity.WARNING) -> Finding:
    return Finding(rule=rule, stage=Stage.RUNTIME, severity=severity, path=("a",), message="m", file="f.yaml")


# ---- find_config -----------------------------------------------------------------------------


def test_find_config_walks_up_to_the_nearest(tmp_path):
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    top = write(tmp_path, "failOn: warning\n")
    assert find_config(deep) == top
    nearer = write(tmp_path / "a", "failOn: info\n")
    assert find_config(deep) == nearer
    assert find_config(tmp_path / "a" / "b" / "c") == nearer


def test_find_config_from_a_file_and_none_found(tmp_path):
    (tmp_path / "x").mkdir()
    f = tmp_path / "x" / "pod.yaml"
    f.write_text("{}")
    # tmp_path's parents may hold a stray .winkube.yaml on a dev machine; only ours matters here
    found = find_config(f)
    assert found is None or not str(found).startswith(str(tmp_path))
    cfg = write(tmp_path / "x", "")
    assert find_config(f) == cfg


def test_find_config_ignores_a_directory_of_that_name(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / CONFIG_NAME).mkdir()
    cfg = write(tmp_path, "")
    assert find_config(tmp_path / "sub") == cfg


# ---- load_config -----------------------------------------------------------------------------


def test_full_config(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "prod.yaml").write_text("{}")
    path = write(tmp_path, """\
        rules:
          windows-forbidden-field: error
          some-rule: off
          quiet-rule: "off"
          loud-rule: Warning
        failOn: warning
        profile: profiles/prod.yaml
        kubeVersion: "v1.37"
        exclude: ["vendor/**", "charts/*/templates/**"]
        """)
    cfg = load_config(path)
    assert cfg.path == path
    assert cfg.rules == {"windows-forbidden-field": Severity.ERROR, "some-rule": None, "quiet-rule": None,
                         "loud-rule": Severity.WARNING}
    assert cfg.fail_on is Severity.WARNING
    assert cfg.profile == tmp_path / "profiles" / "prod.yaml"
    assert cfg.profile.is_absolute()
    assert cfg.kube_version == "1.37"
    assert cfg.exclude == ("vendor/**", "charts/*/templates/**")


def test_defaults(tmp_path):
    for text in ("", "# only a comment\n", "rules:\nexclude:\n"):
        cfg = load_config(write(tmp_path, text))
        assert (cfg.rules, cfg.fail_on, cfg.profile, cfg.kube_version, cfg.exclude) == ({}, Severity.ERROR, None, None, ())
    assert Config().fail_on is Severity.ERROR


def test_fail_on_none(tmp_path):
    assert load_config(write(tmp_path, "failOn: none\n")).fail_on is None
    assert load_config(write(tmp_path, "failOn: off\n")).fail_on is None  # YAML 1.1 reads off as false


@pytest.mark.parametrize("text, expected", [
    ("failon: error\n", r"\.winkube\.yaml: unknown key 'failon' \(did you mean 'failOn'\?\)"),
    ("[1, 2]\n", r"\.winkube\.yaml: expected a mapping .*got a list"),
    ("rules: [a]\n", r"\.winkube\.yaml: rules: expected a mapping"),
    ("rules:\n  r: loud\n", r"\.winkube\.yaml: rules\.r: expected off, error, warning, info; got the string 'loud'"),
    ("rules:\n  r: on\n", r"rules\.r: .*got the boolean true"),
    ("rules:\n  1: off\n", r"rules: rule ids are strings"),
    ("failOn: fatal\n", r"failOn: expected error, warning, info or none; got the string 'fatal'"),
    ("kubeVersion: 1.30\n", r"kubeVersion: quote the version \(kubeVersion: \"1.3\"\)"),
    ("kubeVersion: \"latest\"\n", r"kubeVersion: expected a Kubernetes version like \"1.37\", got the string 'latest'"),
    ("kubeVersion: \"1.12\"\n", r"kubeVersion: Kubernetes 1\.12 is not one winkube knows: its rules cover 1\.25 to 1\.37"),
    ("exclude: {a: b}\n", r"exclude: expected a list of glob patterns"),
    ("exclude: [ok, 3]\n", r"exclude\[1\]: expected a glob pattern, got the number 3"),
    ("profile: nope.yaml\n", r"profile: 'nope.yaml' is not a file"),
    ("profile: [x]\n", r"profile: expected a file path"),
    ("rules: {a: b\n", r"\.winkube\.yaml:2:1: not valid YAML"),
    ("a: b: c\n", r"\.winkube\.yaml:1:5: not valid YAML: mapping values are not allowed"),
])
def test_errors_name_the_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_unreadable_and_binary_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / CONFIG_NAME
    bad.write_bytes(b"rules:\n  r: \xff\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_unknown_rule_ids_with_known_rules(tmp_path):
    path = write(tmp_path, "rules:\n  windows-forbiden-field: off\n")
    assert load_config(path).rules == {"windows-forbiden-field": None}  # nothing to check against
    with pytest.raises(ConfigError, match=r"rules\.windows-forbiden-field: unknown rule 'windows-forbiden-field'; did you mean 'windows-forbidden-field'\?"):
        load_config(path, known_rules=["windows-forbidden-field", "other"])


# ---- Config.apply / fails --------------------------------------------------------------------


def test_apply_drops_overrides_and_passes_through():
    cfg = Config(rules={"off-rule": None, "up": Severity.ERROR, "same": Severity.WARNING})
    assert cfg.apply(finding("off-rule")) is None
    f = finding("up", Severity.WARNING)
    up = cfg.apply(f)
    assert up.severity is Severity.ERROR and up.rule == "up" and up.stage is Stage.RUNTIME
    assert f.severity is Severity.WARNING  # the original is not modified
    same = finding("same")
    assert cfg.apply(same) is same
    other = finding("other")
    assert cfg.apply(other) is other


def test_fails_at_threshold():
    findings = [finding(severity=Severity.WARNING)]
    assert Config(fail_on=Severity.WARNING).fails(findings)
    assert Config(fail_on=Severity.INFO).fails(findings)
    assert not Config(fail_on=Severity.ERROR).fails(findings)
    assert not Config(fail_on=None).fails([finding(severity=Severity.ERROR)])
    assert not Config().fails([])


# ---- exclude ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, path, hit", [
    ("vendor/**", "vendor/a.yaml", True),
    ("vendor/**", "vendor/x/y/a.yaml", True),
    ("vendor/**", "src/vendor/a.yaml", False),
    ("vendor", "vendor/a.yaml", True),
    ("vendor/", "vendor/a.yaml", True),
    ("charts/*/templates/**", "charts/web/templates/deploy.yaml", True),
    ("charts/*/templates/**", "charts/web/sub/templates/deploy.yaml", False),
    ("charts/*/templates/**", "charts/web/values.yaml", False),
    ("**/*.tmpl.yaml", "a/b/c.tmpl.yaml", True),
    ("**/*.tmpl.yaml", "c.tmpl.yaml", True),
    ("*.yaml", "a/b.yaml", False),
    ("a/**/b.yaml", "a/b.yaml", True),
    ("a/**/b.yaml", "a/x/y/b.yaml", True),
    ("pod-?.yaml", "pod-1.yaml", True),
    ("pod-?.yaml", "pod-12.yaml", False),
    ("pod-[!0-9].yaml", "pod-a.yaml", True),
    ("pod-[!0-9].yaml", "pod-1.yaml", False),
    ("./gen/*", "gen/x.yaml", True),
    ("a.b", "axb", False),
])
def test_glob(pattern, path, hit, tmp_path):
    cfg = Config(path=tmp_path / CONFIG_NAME, exclude=(pattern,))
    assert cfg.is_excluded(tmp_path / path) is hit, glob_to_regex(pattern)


def test_exclude_is_relative_to_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "repo" / "vendor").mkdir(parents=True)
    path = write(tmp_path / "repo", "exclude: [vendor/**]\n")
    cfg = load_config(path)
    monkeypatch.chdir(tmp_path / "repo" / "vendor")
    assert cfg.is_excluded("a.yaml")  # = repo/vendor/a.yaml
    assert cfg.is_excluded(os.path.join("..", "vendor", "a.yaml"))
    assert not cfg.is_excluded(os.path.join("..", "a.yaml"))
    assert not cfg.is_excluded(tmp_path / "vendor" / "a.yaml")  # outside the config's directory
    assert not Config().is_excluded("vendor/a.yaml")
