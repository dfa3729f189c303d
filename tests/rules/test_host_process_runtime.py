"""host-process-containerd-minimum: real HostProcess DaemonSets of ../shared/corpus (sig-windows-tools'
csi-proxy, without volume mounts, and containerd-logger, with them) on Nodes whose nodeInfo carries
runtimes real Windows nodes report (containerd://1.6.14, docker://19.3.14: windows-facts.md §3)."""
from __future__ import annotations

import pytest
from harness.controlplane import shared_dir

from lintkit import by_rule, ctr, findings, only, pod, profile
from winkube.model.finding import Severity, Stage

WIN = shared_dir() / "corpus" / "real-windows"
RULE = "host-process-containerd-minimum"
CSI_PROXY = "kubernetes-sigs__sig-windows-tools__hostprocess__csi-proxy__csi-proxy.yaml"
LOGGER = "kubernetes-sigs__sig-windows-tools__hostprocess__containerd-logger__containerd-logger.yaml"
HP_PATH = "spec.template.spec.securityContext.windowsOptions.hostProcess"


def corpus(name: str) -> str:
    path = WIN / name
    assert path.is_file(), f"corpus file missing: {path}"
    return path.read_text()


def node(name: str, runtime: str, build: str = "17763") -> str:
    return f"""apiVersion: v1
kind: Node
metadata:
  name: {name}
  labels: {{kubernetes.io/os: windows, kubernetes.io/arch: amd64, node.kubernetes.io/windows-build: "10.0.{build}"}}
status:
  nodeInfo: {{operatingSystem: windows, architecture: amd64, kubeletVersion: v1.37.2, containerRuntimeVersion: "{runtime}", kernelVersion: "10.0.{build}.1397"}}
---
"""


def on(nodes: str, manifest: str):
    return by_rule(findings(nodes + manifest), RULE)


@pytest.mark.parametrize("runtime", ["containerd://1.5.13", "docker://19.3.14"])
def test_a_runtime_that_cannot_run_hostprocess_is_an_error(runtime):
    f = only(findings(node("win-a", runtime) + corpus(CSI_PROXY)), RULE)
    assert (f.stage, f.severity, f.path_str) == (Stage.RUNTIME, Severity.ERROR, HP_PATH)
    assert "need containerd 1.6 or newer" in f.message and runtime in f.message


def test_only_some_pools_too_old_is_a_warning_naming_them():
    (f,) = on(node("win-a", "containerd://1.5.13") + node("win-b", "containerd://1.7.27", build="20348"), corpus(CSI_PROXY))
    assert f.severity is Severity.WARNING and "some of" in f.message
    assert "containerd://1.5.13" in f.message and "1.7.27" not in f.message


def test_containerd_1_6_with_volume_mounts_is_a_warning_about_the_mount_point():
    (f,) = on(node("win-a", "containerd://1.6.14"), corpus(LOGGER))
    assert f.severity is Severity.WARNING and "$CONTAINER_SANDBOX_MOUNT_POINT" in f.message


def test_containerd_1_6_without_mounts_is_an_info_and_1_7_is_quiet():
    (f,) = on(node("win-a", "containerd://1.6.14"), corpus(CSI_PROXY))
    assert f.severity is Severity.INFO and "1.7" in f.message
    assert on(node("win-a", "containerd://1.7.27"), corpus(LOGGER)) == []
    assert on(node("win-a", "containerd://2.2.1"), corpus(CSI_PROXY)) == []


def test_a_local_user_group_needs_1_7_and_the_container_level_path_is_reported():
    sc = {"windowsOptions": {"hostProcess": True, "runAsUserName": "hpc-localgroup"}}
    p = pod({"os": {"name": "windows"}, "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "windows"},
             "containers": [ctr(image="mcr.microsoft.com/windows/nanoserver:ltsc2022", sc=sc)]})
    prof = profile([{"name": "win16", "os": "windows", "windowsBuild": "10.0.20348", "containerRuntime": "containerd://1.6.14",
                     "allocatable": {"cpu": "4", "memory": "16Gi"}}])
    f = only(findings(p, prof), RULE)
    assert f.severity is Severity.WARNING and "hpc-localgroup" in f.message
    assert f.path_str == "spec.containers[0].securityContext.windowsOptions.hostProcess"


def test_pools_the_pod_cannot_land_on_and_unknown_runtimes_say_nothing():
    # a Linux pool on old containerd is not judged; a Windows pool without a runtime is unknown
    linux = """apiVersion: v1
kind: Node
metadata: {name: lin, labels: {kubernetes.io/os: linux}}
status: {nodeInfo: {operatingSystem: linux, containerRuntimeVersion: "containerd://1.5.13", kubeletVersion: v1.37.2}}
---
"""
    assert on(linux + node("win-a", "containerd://1.7.27"), corpus(CSI_PROXY)) == []
    prof = profile([{"name": "win", "os": "windows", "windowsBuild": "10.0.20348", "allocatable": {"cpu": "4", "memory": "16Gi"}}])
    assert by_rule(findings(corpus(CSI_PROXY), prof), RULE) == []


def test_audit_colours_the_pools_whose_runtime_cannot_run_it(tmp_path):
    """In audit's pools × workloads matrix the runtime finding colours the pool it names (a dump of
    two Windows pools: containerd 1.5.13 and 1.7.27), not the other."""
    import contextlib
    import io
    import json

    import yaml

    from winkube.cli import main

    docs = [d for d in yaml.safe_load_all(node("win-old-1", "containerd://1.5.13") + node("win-new-1", "containerd://1.7.27", build="20348")
                                          + corpus(CSI_PROXY)) if d]
    for d in docs:
        if d["kind"] == "Node":
            d["metadata"]["labels"]["agentpool"] = d["metadata"]["name"].rsplit("-", 1)[0]
        else:
            d.setdefault("metadata", {}).setdefault("namespace", "kube-system")
            d["metadata"]["uid"] = "uid-" + d["metadata"]["name"]
    (tmp_path / "dump.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["audit", "-f", str(tmp_path / "dump.json"), "-o", "json"])
    rep = json.loads(out.getvalue())
    (ds,) = [w for w in rep["workloads"] if w["kind"] == "DaemonSet"]
    (f,) = [f for f in ds["findings"] if f["rule"] == RULE]
    assert f["severity"] == "warning" and code == 0  # only one of the two pools: a warning, below --fail-on error
    assert ds["pools"]["win-old"]["stage"] == "runtime" and any(RULE in n for n in ds["pools"]["win-old"]["notes"])
    assert ds["pools"]["win-new"]["stage"] != "runtime"
