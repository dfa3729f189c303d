"""Helm charts rendered by the real helm (issue 11, item 2), on real public charts that deploy
Windows workloads (tests/data/charts/README.md: sources and licences) and on this project's own."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_cli import ROOT, run

CHARTS = Path(__file__).parent / "data" / "charts"
# chart -> the values it needs to render its Windows workload (REAL_ARGS; most need none)
# (cloudwatch-windows is this project's wrapper around the unchanged amazon-cloudwatch-observability
# chart, giving the two values it requires, so `winkube lint .` at the root renders it too)
REAL = ["prometheus-windows-exporter", "retina", "csi-driver-smb", "syntheticapi", "cloudwatch-windows",
        "local-static-provisioner"]
REAL_ARGS = {"local-static-provisioner": ["--set", "enableWindows=true"]}
CLOUDWATCH = "charts/amazon-cloudwatch-observability/templates/windows/fluent-bit-windows-daemonset.yaml"

# What winkube finds in each chart's defaults: (template, rule). Reviewed by hand: all are right
# for a Windows DaemonSet without spec.os and with Linux-only fields (see the chart README).
EXPECTED = {
    "prometheus-windows-exporter": {("templates/daemonset.yaml", "set-os-name"),
                                    ("templates/daemonset.yaml", "host-namespaces-on-windows"),
                                    ("templates/daemonset.yaml", "windows-container-without-requests")},
    "retina": {("templates/daemonset.yaml", "set-os-name"), ("templates/daemonset.yaml", "linux-security-field-ignored"),
               ("templates/daemonset.yaml", "no-schedulable-pool"),
               ("templates/daemonset.yaml", "windows-container-without-requests")},
    # the grown corpus (issue 12; reviewed in tests/data/corpus-grown/REVIEW.md, syntheticapi held out)
    "syntheticapi": {("templates/deployment-nanoserver.yaml", "set-os-name"),
                     ("templates/deployment-nanoserver.yaml", "windows-container-without-requests"),
                     ("templates/deployment-nanoserver.yaml", "no-schedulable-pool")},
    "cloudwatch-windows": {(CLOUDWATCH, "set-os-name"), (CLOUDWATCH, "dns-policy-cluster-first-with-host-net")},
    "local-static-provisioner": {("templates/daemonset_windows.yaml", "set-os-name"),
                                 ("templates/daemonset_windows.yaml", "windows-container-without-requests"),
                                 ("templates/daemonset_windows.yaml", "mount-propagation-on-windows")},
}


def lint_json(*args, env=None):
    r = run("lint", "--no-config", "-o", "json", *args, env=env)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


def helm_show_only(helm: str, chart: Path, template: str, *extra: str) -> list[str]:
    out = subprocess.run([helm, "template", "release-name", str(chart), "--show-only", template, *extra],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return out.splitlines()


@pytest.mark.parametrize("name", REAL)
def test_real_chart_findings_name_the_template_and_its_rendered_line(helm, name):
    chart = CHARTS / name
    extra = REAL_ARGS.get(name, [])
    data = lint_json(str(chart.relative_to(ROOT)), *extra, env={"WINKUBE_HELM": helm})
    assert data["errors"] == [] and data["findings"], data
    prefix = f"{chart.relative_to(ROOT)}/"
    for f in data["findings"]:
        assert f["file"].startswith(prefix + "templates/") or f["file"].startswith(prefix + "charts/"), f["file"]
        template = f["file"][len(prefix):]
        lines = helm_show_only(helm, chart, template, *extra)
        # the finding's line is the line of `helm template --show-only` that holds the field (or, for
        # a field that is missing, its nearest parent: set-os-name points at the pod spec)
        keys = [seg.split("[")[0] + ":" for seg in f["path"].split(".")]
        line = lines[f["line"] - 1].strip()
        # (a finding about a whole list item, e.g. a container without requests, is on the item's "- " line)
        item = f["path"].endswith("]") and line.startswith("- ")
        assert item or any(line.startswith(k) or line.startswith("- " + k) for k in keys), (f, line)
    if name in EXPECTED:
        assert {(f["file"][len(prefix):], f["rule"]) for f in data["findings"]} == EXPECTED[name]


def test_set_and_values_reach_helm(helm, tmp_path):
    chart = str((CHARTS / "prometheus-windows-exporter").relative_to(ROOT))
    env = {"WINKUBE_HELM": helm}
    rules = lambda d: {f["rule"] for f in d["findings"]}  # noqa: E731
    assert "host-namespaces-on-windows" in rules(lint_json(chart, env=env))
    assert "host-namespaces-on-windows" not in rules(lint_json(chart, "--set", "hostPID=false", env=env))
    values = tmp_path / "v.yaml"
    values.write_text("hostPID: false\n")
    assert "host-namespaces-on-windows" not in rules(lint_json(chart, "--values", str(values), env=env))
    smb = str((CHARTS / "csi-driver-smb").relative_to(ROOT))
    assert any("windows" in f["file"] for f in lint_json(smb, env=env)["findings"])
    assert not any("windows" in f["file"] for f in lint_json(smb, "--set", "windows.enabled=false", env=env)["findings"])


def test_kube_version_is_passed_to_helm(helm, tmp_path):
    chart = tmp_path / "kv"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: kv\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kv-{{ .Capabilities.KubeVersion.Minor }}\n")
    r = run("lint", "--no-config", "-o", "json", "--kube-version", "1.33", str(chart), env={"WINKUBE_HELM": helm})
    assert r.returncode == 0, r.stdout + r.stderr
    assert subprocess.run([helm, "template", str(chart), "--kube-version", "v1.33.0"], capture_output=True,
                          text=True).stdout.count("name: kv-33") == 1  # what winkube asked helm for
    # a chart helm refuses is one input error with helm's message, and exit 2
    (chart / "templates" / "bad.yaml").write_text("{{ fail \"this chart needs values\" }}\n")
    r = run("lint", "--no-config", str(chart), env={"WINKUBE_HELM": helm})
    assert r.returncode == 2 and "helm template failed" in r.stdout and "this chart needs values" in r.stdout


def test_project_chart_lints_without_input_errors(helm):
    data = lint_json("deploy/", env={"WINKUBE_HELM": helm})
    assert data["errors"] == [] and data["summary"]["objects"] > 5
    assert all(f["file"].startswith("deploy/helm/winkube-webhook/templates/") for f in data["findings"])
