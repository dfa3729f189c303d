"""Each fact once, in the knowledge files: a new Kubernetes release and a new Windows Server
release are data changes. The test writes both into a temporary knowledge directory
($WINKUBE_KNOWLEDGE_DIR, which wins over the shipped files) and shows that lint, plan, audit and
--help pick them up with no code change — and that without the directory they do not."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from winkube.knowledge import OVERRIDE_ENV

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "winkube" / "knowledge"
WINKUBE = Path(sys.executable).with_name("winkube")

FAKE_BUILD = {"build": 30000, "name": "Windows Server 2028", "version": "28H2", "kind": "server", "channel": "LTSC",
              "released": "2028-10-01", "mainstream_end": "2033-10-10", "extended_end": "2038-10-10",
              "tags": ["ltsc2028"], "source": "a fake release written by this test"}

CLUSTER_AND_APP = """\
apiVersion: v1
kind: Node
metadata:
  name: w28-1
  labels: {kubernetes.io/os: windows, kubernetes.io/arch: amd64, node.kubernetes.io/windows-build: "10.0.30000", agentpool: win2028}
spec:
  taints: [{key: os, value: windows, effect: NoSchedule}]
status:
  allocatable: {cpu: "4", memory: 16Gi, pods: "110"}
  nodeInfo: {operatingSystem: windows, architecture: amd64, kubeletVersion: v1.38.0,
             containerRuntimeVersion: "containerd://2.4.1", kernelVersion: "10.0.30000.100"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2028"}]
"""


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("knowledge")
    api = yaml.safe_load((SHIPPED / "api_validation.yaml").read_text())
    newest = api["releases"]["max"]
    major, minor = newest.split(".")
    api["releases"]["max"] = f"{major}.{int(minor) + 1}"
    (d / "api_validation.yaml").write_text(yaml.safe_dump(api, sort_keys=False))
    builds = yaml.safe_load((SHIPPED / "windows_builds.yaml").read_text())
    builds["builds"].append(FAKE_BUILD)
    (d / "windows_builds.yaml").write_text(yaml.safe_dump(builds, sort_keys=False))
    (d / "in.yaml").write_text(CLUSTER_AND_APP)
    return d


def winkube(*args, knowledge: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k != OVERRIDE_ENV}
    env["NO_COLOR"] = "1"
    if knowledge is not None:
        env[OVERRIDE_ENV] = str(knowledge)
    return subprocess.run([str(WINKUBE), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def _next_release() -> str:
    major, minor = yaml.safe_load((SHIPPED / "api_validation.yaml").read_text())["releases"]["max"].split(".")
    return f"{major}.{int(minor) + 1}"


@pytest.mark.parametrize("command", ["lint", "audit"])
def test_help_names_the_range_of_the_data(knowledge, command):
    new = _next_release()
    assert f"–{new}" in winkube(command, "--help", knowledge=knowledge).stdout
    assert f"–{new}" not in winkube(command, "--help").stdout


def test_lint_accepts_the_new_release_and_names_the_new_windows_build(knowledge):
    new = _next_release()
    r = winkube("lint", "-o", "json", "--kube-version", new, str(knowledge / "in.yaml"), knowledge=knowledge)
    assert r.returncode in (0, 1), r.stderr
    messages = " ".join(f["message"] for f in json.loads(r.stdout)["findings"])
    assert "Windows Server 2028 (30000)" in messages
    old = winkube("lint", "--kube-version", new, str(knowledge / "in.yaml"))
    assert old.returncode == 2 and f"Kubernetes {new} is not one winkube knows" in old.stderr


def test_plan_defaults_to_the_new_release_and_runs_the_new_ltsc_image(knowledge):
    r = winkube("plan", "-o", "json", str(knowledge / "in.yaml"), knowledge=knowledge)
    doc = json.loads(r.stdout)
    assert doc["profile"]["kubernetesVersion"] == _next_release()
    assert doc["profile"]["pools"][0]["windowsBuild"] == "10.0.30000"
    (w,) = doc["workloads"]
    assert w["startsOn"] == ["win2028"]  # ltsc2028 read as build 30000 from windows_builds.yaml alone
    without = json.loads(winkube("plan", "-o", "json", str(knowledge / "in.yaml")).stdout)
    assert without["profile"]["kubernetesVersion"] != _next_release()


def test_audit_judges_the_dump_with_the_new_data(knowledge):
    r = winkube("audit", "-f", str(knowledge / "in.yaml"), "-o", "json", knowledge=knowledge)
    doc = json.loads(r.stdout)
    assert doc["kubeVersion"] == _next_release()
    (pool,) = doc["pools"]
    assert pool["windowsBuild"] == "10.0.30000"
    assert "Windows Server 2028 (30000)" in " ".join(f["message"] for f in pool["findings"])


def test_readme_states_the_range_of_the_data():
    # the README cannot read the data; this keeps its one statement of the range equal to it
    import re

    from winkube.k8s import releases
    line = next(ln for ln in (ROOT / "README.md").read_text().splitlines() if "winkube lint --kube-version" in ln)
    assert re.search(r"\((\d+\.\d+–\d+\.\d+)\)", line).group(1) == releases.range_text(), line


def test_the_default_profile_follows_the_release():
    """The embedded default is the newest release's cluster; asked for an older release, its Windows
    pools are that release's LTSC builds (k8s_releases.yaml windows_support: 1.25 lists 2019, 2022 and
    the SAC 20H2, which a guessed pool leaves out), its kubelet the release's tag and containerd the
    branch containerd recommends first."""
    from winkube.k8s import releases
    from winkube.model.profile import default_profile

    newest = default_profile()
    assert default_profile(releases.newest()).pools == newest.pools
    old = default_profile((1, 25))
    assert old.kube_version == (1, 25) and old.assumed
    assert [(p.name, p.windows_build) for p in old.pools if p.os == "windows"] == [("windows-2019", 17763), ("windows-2022", 20348)]
    assert {p.kubelet_version for p in old.pools} == {"v1.25.16"}
    assert {p.container_runtime for p in old.pools} == {"containerd://1.7.0"}
    assert [p.taints for p in old.pools if p.os == "windows"] == [q.taints for q in newest.pools if q.os == "windows"]


def test_lint_of_an_older_release_judges_against_that_releases_pools(tmp_path):
    # a Windows Server 2019 image: at 1.25 (the guide's release) it runs on the default's 2019 pool;
    # at 1.37 no supported Windows Server runs it
    f = tmp_path / "web.yaml"
    f.write_text(CLUSTER_AND_APP.split("---\n", 1)[1].replace("ltsc2028", "ltsc2019"))
    old = json.loads(winkube("lint", "-o", "json", "--kube-version", "1.25", str(f)).stdout)
    assert {x["rule"] for x in old["findings"]} & {"image-build-unsupported", "image-build-incompatible"} == {"image-build-incompatible"}
    assert "runs on windows-2019" in " ".join(x["message"] for x in old["findings"])
    new = json.loads(winkube("lint", "-o", "json", str(f)).stdout)
    assert "image-build-unsupported" in {x["rule"] for x in new["findings"]}
