"""The command line as users run it: a real process, real files, exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

WINDOWS_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows}
  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
  containers:
  - name: c
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
    securityContext: {runAsUser: 1000}
    resources: {requests: {cpu: 100m, memory: 300Mi}}
"""
GOOD_POD = WINDOWS_POD.replace("    securityContext: {runAsUser: 1000}\n", "").replace(
    "nodeSelector: {kubernetes.io/os: windows}", "nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: '10.0.20348'}")


def run(*args, stdin=None, env=None, cwd=None, exe="winkube"):
    e = dict(os.environ, NO_COLOR="1", **(env or {}))
    return subprocess.run([str(BIN / exe), *args], input=stdin, capture_output=True, text=True, env=e, cwd=cwd or ROOT, timeout=120)


def test_findings_exit_1_with_location_and_fix(tmp_path):
    f = tmp_path / "pod.yaml"
    f.write_text(WINDOWS_POD)
    r = run("lint", str(f))
    assert r.returncode == 1, r.stderr
    assert f"{f}:11:19" in r.stdout or f"{f}:11:" in r.stdout
    assert "windows-forbidden-field" in r.stdout and "spec.containers[0].securityContext.runAsUser" in r.stdout
    assert "fix:" in r.stdout
    assert "\x1b[" not in r.stdout  # no colour off a terminal


def test_clean_input_exits_0(tmp_path):
    f = tmp_path / "pod.yaml"
    f.write_text(GOOD_POD)
    r = run("lint", str(f))
    assert r.returncode == 0, r.stdout + r.stderr


def test_stdin_and_kubectl_plugin_name():
    r = run("lint", "-", stdin=WINDOWS_POD, exe="kubectl-winkube")
    assert r.returncode == 1
    assert "-:11:" in r.stdout


def test_json_output_schema_fields():
    r = run("lint", "--format", "json", "-", stdin=WINDOWS_POD)  # --format: the same flag as -o/--output
    data = json.loads(r.stdout)
    assert data["version"] == 1
    f = next(x for x in data["findings"] if x["rule"] == "windows-forbidden-field")
    assert f["errorType"] == "Forbidden" and f["stage"] == "admission" and f["line"] == 11
    assert f["object"] == {"apiVersion": "v1", "kind": "Pod", "namespace": None, "name": "w"}


def test_bad_input_exit_2_and_other_files_still_checked(tmp_path):
    (tmp_path / "a-broken.yaml").write_text("kind: Pod\nspec: [unclosed\n")
    (tmp_path / "b-pod.yaml").write_text(WINDOWS_POD)
    (tmp_path / "c-list.yaml").write_text("- just\n- a list\n")
    r = run("lint", "-v", str(tmp_path))
    assert r.returncode == 2
    assert "a-broken.yaml:" in r.stdout and "invalid YAML" in r.stdout
    # YAML that is no Kubernetes object is skipped, not an error (issue 11), and -v lists it
    assert "c-list.yaml" not in r.stdout and "c-list.yaml: no Kubernetes objects (apiVersion and kind)" in r.stderr
    assert "windows-forbidden-field" in r.stdout  # the good file was still linted
    assert "Traceback" not in r.stdout + r.stderr


def test_wrong_types_are_what_the_api_server_says_never_tracebacks():
    doc = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: notalist\n"
    r = run("lint", "-", stdin=doc)
    assert r.returncode == 1  # a finding: the API server cannot decode it
    assert "field-type-mismatch" in r.stdout and "json: cannot unmarshal string into Go struct field PodSpec.spec.containers" in r.stdout
    assert "Traceback" not in r.stderr
    # with an apiVersion no release serves there is no schema to decode with: still an input error
    r = run("lint", "-", stdin=doc.replace("apiVersion: v1", "apiVersion: v9"))
    assert r.returncode == 2
    assert "-:5: error: spec.containers: expected a list, got str" in r.stdout
    assert "api-version-not-served" in r.stdout


def test_fail_on_and_disable(tmp_path):
    f = tmp_path / "pod.yaml"
    f.write_text(WINDOWS_POD)
    assert run("lint", "--disable", "windows-forbidden-field", "--fail-on", "error", str(f)).returncode == 0
    assert run("lint", "--fail-on", "none", str(f)).returncode == 0


def test_config_file_found_upward(tmp_path):
    (tmp_path / ".winkube.yaml").write_text("rules:\n  windows-forbidden-field: off\n")
    sub = tmp_path / "k8s"
    sub.mkdir()
    (sub / "pod.yaml").write_text(WINDOWS_POD)
    r = run("lint", "pod.yaml", cwd=sub)
    assert "windows-forbidden-field" not in r.stdout and r.returncode == 0


def test_suppression_annotation():
    doc = WINDOWS_POD.replace("metadata: {name: w}", "metadata: {name: w, annotations: {winkube.io/ignore: 'windows-forbidden-field'}}")
    r = run("lint", "-o", "json", "-", stdin=doc)
    assert not [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "windows-forbidden-field"]


def test_kube_version_selects_rules():
    doc = WINDOWS_POD.replace("    securityContext: {runAsUser: 1000}\n", "").replace("spec:\n  os:", "spec:\n  resources: {limits: {cpu: '1'}}\n  os:")
    newer = json.loads(run("lint", "-o", "json", "--kube-version", "1.37", "-", stdin=doc).stdout)
    older = json.loads(run("lint", "-o", "json", "--kube-version", "1.33", "-", stdin=doc).stdout)
    assert any(f["rule"] == "windows-pod-resources" for f in newer["findings"])
    assert not any(f["rule"] == "windows-pod-resources" for f in older["findings"])


def test_sarif_output_is_json_with_rules():
    r = run("lint", "-o", "sarif", "-", stdin=WINDOWS_POD)
    data = json.loads(r.stdout)
    assert data["version"] == "2.1.0"
    assert data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 0


def test_rules_explain_profile_and_help():
    r = run("rules")
    assert r.returncode == 0 and "windows-forbidden-field" in r.stdout and "image-build-incompatible" in r.stdout
    r = run("explain", "image-build-incompatible")
    assert r.returncode == 0 and "containerd" in r.stdout
    r = run("explain", "no-such-rule")
    assert r.returncode == 2 and "no rule" in r.stderr
    r = run("profile", "show")
    assert "windowsBuild: 10.0.20348" in r.stdout and "windowsBuild: 10.0.26100" in r.stdout
    r = run("lint", "--help")
    assert "exit codes" in r.stdout and "helm template" in r.stdout


def test_profile_show_from_node_objects(tmp_path):
    nodes = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"akswin{i}", "labels": {
            "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": "10.0.17763",
            "kubernetes.io/hostname": f"akswin{i}", "agentpool": "win19"}},
         "status": {"nodeInfo": {"kernelVersion": "10.0.17763.1397", "containerRuntimeVersion": "containerd://1.6.14",
                                 "operatingSystem": "windows", "architecture": "amd64", "kubeletVersion": "v1.33.2"}}}
        for i in range(3)]}
    f = tmp_path / "nodes.json"
    f.write_text(json.dumps(nodes))
    r = run("profile", "show", str(f))
    assert r.returncode == 0, r.stderr
    assert "name: win19" in r.stdout and "count: 3" in r.stdout and "windowsBuild: 10.0.17763" in r.stdout


def test_bad_profile_is_a_clear_error(tmp_path):
    p = tmp_path / "profile.yaml"
    p.write_text("nodePools:\n- name: w\n  os: windows\n")
    r = run("lint", "--profile", str(p), "-", stdin=WINDOWS_POD)
    assert r.returncode == 2 and "windowsBuild" in r.stderr and "Traceback" not in r.stderr


def test_progress_bar_only_on_a_terminal_and_for_long_runs():
    import io

    from winkube.cli import _progress_bar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert _progress_bar(500, io.StringIO()) is None  # not a terminal
    assert _progress_bar(5, Tty()) is None  # too short to need one
    out = Tty()
    draw = _progress_bar(40, out)
    draw(10, 40)
    draw(40, 40)
    assert "10/40 files" in out.getvalue() and out.getvalue().endswith("40/40 files\n")


def _front_doors(tmp_path) -> dict[str, list[str]]:
    """Every command that takes --kube-version, ready to run (the webhook with a profile and plain
    HTTP: the range check happens before it would listen)."""
    pod = tmp_path / "pod.yaml"
    pod.write_text(GOOD_POD)
    profile = tmp_path / "profile.yaml"
    profile.write_text("apiVersion: winkube.io/v1\nkind: ClusterProfile\nnodePools: []\n")
    return {"lint": ["lint", str(pod)], "plan": ["plan", str(pod)], "audit": ["audit", "-f", str(pod)],
            "profile show": ["profile", "show"], "profile list": ["profile", "list"],
            "webhook": ["webhook", "serve", "--plain-http", "--profile", str(profile)]}


def test_one_range_check_at_every_front_door(tmp_path):
    """--kube-version outside the releases of knowledge/api_validation.yaml is exit 2 with one
    clear line, at every front door (audit included); a bad value likewise."""
    from winkube.k8s import releases

    lo, hi = releases.oldest(), releases.newest()
    cover = f"its rules cover {releases.text(lo)} to {releases.text(hi)}"
    for name, argv in _front_doors(tmp_path).items():
        for version in ("1.12", f"{lo[0]}.{lo[1] - 1}", f"{hi[0]}.{hi[1] + 1}"):
            r = run(*argv, "--kube-version", version)
            lines = r.stderr.strip().splitlines()
            assert r.returncode == 2 and lines == [f"winkube: error: Kubernetes {version} is not one winkube knows: {cover}"], \
                (name, version, r.stderr)
        r = run(*argv, "--kube-version", "banana")
        assert r.returncode == 2 and r.stderr.strip() == "winkube: error: not a Kubernetes version: 'banana' (expected e.g. " \
            f"{releases.text(hi)})", (name, r.stderr)
        if name != "webhook":  # the oldest release is accepted (the webhook would start serving)
            r = run(*argv, "--kube-version", releases.text(lo))
            assert r.returncode in (0, 1), (name, r.stderr)


def test_help_of_every_front_door_states_the_range_of_the_data():
    from winkube.k8s import releases

    for argv in (["lint"], ["plan"], ["audit"], ["profile", "show"], ["profile", "list"], ["webhook", "serve"]):
        out = " ".join(run(*argv, "--help").stdout.split())
        assert f"({releases.range_text()}; default:" in out, argv


KUBELET_DEFAULTS_ON_WINDOWS = """\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: npipe:////./pipe/containerd-containerd
"""


def test_kubelet_rule_of_old_releases_reachable_from_the_command_line():
    # validation_windows.go: the Linux defaults stop the Windows kubelet through v1.30.14, a warning from v1.31.14
    r = run("lint", "-o", "json", "--kube-version", "1.29", "-", stdin=KUBELET_DEFAULTS_ON_WINDOWS)
    rules = {f["rule"] for f in json.loads(r.stdout)["findings"]}
    assert r.returncode == 1 and "kubelet-cgroups-fatal-windows" in rules, r.stdout + r.stderr
    r = run("lint", "-o", "json", "--kube-version", "1.31", "-", stdin=KUBELET_DEFAULTS_ON_WINDOWS)
    assert "kubelet-cgroups-fatal-windows" not in {f["rule"] for f in json.loads(r.stdout)["findings"]}


def test_make_demo_input_is_clean_of_input_errors():
    # `make demo` lints examples/: every file there must be a manifest (exit 1: findings, never 2)
    r = run("lint", "examples/")
    assert r.returncode == 1, r.stdout[-2000:] + r.stderr
    assert ": error: " not in r.stdout


def test_version_matches_the_package_and_imports_no_command():
    import winkube

    assert run("--version").stdout == f"winkube {winkube.__version__}\n"
    code = "import sys; from winkube.cli import main; main(['--version']); print(sorted(m for m in sys.modules if m.startswith('winkube.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()[-1]
    assert out == "['winkube.cli']"  # start-up: nothing but the command line module


def test_explain_help_examples_name_real_rules():
    # the help teaches with examples; one that names a rule id must name a rule that exists
    import re

    from winkube import cli
    from winkube.rules import all_rules
    ids = re.findall(r"winkube explain ([a-z0-9]+(?:-[a-z0-9]+)+)\s", cli.EXPLAIN_EXAMPLES)
    assert ids and set(ids) <= set(all_rules()), ids


def test_plan_colours_only_when_asked_or_on_a_terminal():
    example = str(ROOT / "examples")  # workloads that land (✓) and ones that do not (✗)
    plain = run("plan", example)  # a pipe: no colour
    assert "✓" in plain.stdout and "\x1b[" not in plain.stdout
    painted = run("plan", "--color", "always", example)
    assert "\x1b[32m✓\x1b[0m" in painted.stdout and "\x1b[1;31m✗\x1b[0m" in painted.stdout
    assert painted.stdout.replace("\x1b[32m", "").replace("\x1b[1;31m", "").replace("\x1b[0m", "") == plain.stdout
    assert run("plan", "--color", "always", "--disable", "set-os-nam", example).returncode == 2  # rule ids are checked


def test_explain_pod_takes_kubectl_style_namespace():
    # refused before any cluster is asked: the namespace is missing or named twice differently
    r = run("explain", "--pod", "web-1")
    assert r.returncode == 2 and "NAME with -n NAMESPACE" in r.stderr
    r = run("explain", "--pod", "shop/web-1", "-n", "other")
    assert r.returncode == 2 and "names namespace shop, -n names other" in r.stderr
