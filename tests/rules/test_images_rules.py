"""Images-family rules: image OS and Windows build against the pools a pod can land on."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from lintkit import (
    KINDS, LINUX_IMAGE, LINUX_POOL, LINUX_SELECTOR, PREFIX, WIN2019_IMAGE, WIN2025_IMAGE, WIN_IMAGE, WIN_POOL, by_rule, ctr,
    findings, only, pod, profile, rule_ids, windows_spec,
)
from winkube.model.finding import Severity, Stage
from winkube.rules import all_rules

FAMILY = {r.id for r in all_rules().values() if ".rules.images." in r.module}
TAG_RULES = {"image-build-incompatible", "image-os-mismatch", "mixed-os-images"}  # judged from tags or resolved platforms
HOST_PROCESS = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}
TEMPLATE_KINDS = ["Pod", "Deployment", "CronJob", "PodTemplate", "DaemonSet"]
POOLS_TEXT = "windows-2022 (windows/amd64 10.0.20348), windows-2025 (windows/amd64 10.0.26100)"


def test_family_rules_covered_here_exist():
    # (the registry-backed rules of this family, image-index-selection and image-without-os-version,
    # are tested in test_images_resolved.py)
    assert FAMILY >= TAG_RULES
    assert all(all_rules()[r].stage is Stage.RUNTIME for r in TAG_RULES)


@pytest.mark.parametrize("image", [WIN_IMAGE, "mcr.microsoft.com/windows/nanoserver:ltsc2022",
                                   "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022",
                                   "mcr.microsoft.com/windows/servercore:10.0.20348.2113"])
def test_a_2022_image_runs_on_both_default_windows_pools(image):
    found = findings(pod(windows_spec(containers=[ctr(image=image)])))
    assert not rule_ids(found) & TAG_RULES, [(f.rule, f.message) for f in found]


# --- image-build-incompatible --------------------------------------------------------------

# Kubernetes 1.33 still supports Windows Server 2019: on 1.37 a 2019 image that no pool runs runs on no
# supported Windows Server at all, which image-build-unsupported says instead (tests/rules/test_image_knowledge.py)
OLD_RELEASE = (1, 33)


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_image_no_windows_pool_can_run(kind):
    f = only(findings(KINDS[kind](windows_spec(containers=[ctr(image=WIN2019_IMAGE)])), kube_version=OLD_RELEASE),
             "image-build-incompatible")
    assert f.path_str == f"{PREFIX[kind]}.containers[0].image"
    assert f.severity is Severity.ERROR and f.stage is Stage.RUNTIME
    assert f.message == (
        "mcr.microsoft.com/windows/servercore:ltsc2019 (tag ltsc2019) is built for Windows Server 2019 (17763); "
        "no Windows pool the pod can land on runs it "
        f"in process isolation: {POOLS_TEXT}")
    assert "ltsc2022" in f.fix


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob"])
def test_image_runs_on_some_pools_only(kind):
    f = only(findings(KINDS[kind](windows_spec(initContainers=[ctr("init", image=WIN2025_IMAGE)]))), "image-build-incompatible")
    assert f.path_str == f"{PREFIX[kind]}.initContainers[0].image"
    assert f.severity is Severity.WARNING and f.stage is Stage.RUNTIME
    assert f.message.endswith("runs on windows-2025 but not on windows-2022 (windows/amd64 10.0.20348), where the pod can also land")
    assert "node.kubernetes.io/windows-build" in f.fix


def test_image_judged_against_windows_pools_when_the_pod_fits_none_yet():
    f = only(findings(pod(windows_spec(tolerations=[], containers=[ctr(image=WIN2019_IMAGE)])), kube_version=OLD_RELEASE),
             "image-build-incompatible")
    assert f.severity is Severity.ERROR and POOLS_TEXT in f.message


@pytest.mark.parametrize("spec", [
    windows_spec(nodeSelector={"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.26100"},
                 containers=[ctr(image=WIN2025_IMAGE)]),  # pinned to the pool that runs it
    windows_spec(hostNetwork=True, securityContext=HOST_PROCESS, containers=[ctr(image=WIN2019_IMAGE)]),  # HostProcess is exempt
    # pinned to 2019 nodes the profile lacks: the pod fits no pool (no-schedulable-pool), but it never asks for 2022/2025
    windows_spec(nodeSelector={"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.17763"},
                 containers=[ctr(image=WIN2019_IMAGE)]),
    windows_spec(containers=[ctr(image="mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore")]),  # build unknown
    windows_spec(containers=[ctr(image="mcr.microsoft.com/windows/servercore/iis")]),  # repository only: build unknown
    {"nodeSelector": LINUX_SELECTOR, "containers": [ctr(image=LINUX_IMAGE)]},
])
def test_image_build_near_misses(spec):
    assert not by_rule(findings(pod(spec)), "image-build-incompatible")


def test_image_build_follows_the_pools_containerd():
    old = profile([LINUX_POOL, {**WIN_POOL, "name": "win25", "windowsBuild": "10.0.26100", "containerRuntime": "containerd://1.7.5"}])
    f = only(findings(pod(windows_spec()), old), "image-build-incompatible")
    assert "win25 (windows/amd64 10.0.26100)" in f.message
    new = profile([LINUX_POOL, {**WIN_POOL, "name": "win25", "windowsBuild": "10.0.26100", "containerRuntime": "containerd://1.7.20"}])
    assert not by_rule(findings(pod(windows_spec()), new), "image-build-incompatible")


def test_resolved_index_platforms_are_used():
    def info(*versions):
        return SimpleNamespace(os="windows", build=None, evidence="registry index", os_versions=versions)

    ref = "example.com/team/app:v3"
    obj = pod(windows_spec(containers=[ctr(image=ref)]))
    f = only(findings(obj, images={ref: info("10.0.17763.5329")}, kube_version=OLD_RELEASE), "image-build-incompatible")
    assert f.message.startswith("example.com/team/app:v3 (registry index) is built for Windows Server 2019 (17763); ")
    # an index that also has a 2022 entry runs everywhere
    assert not by_rule(findings(obj, images={ref: info("10.0.17763.5329", "10.0.20348.2113")}), "image-build-incompatible")
    # without registry data the tag says nothing
    assert not by_rule(findings(obj), "image-build-incompatible")


# --- image-os-mismatch ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_linux_image_in_a_windows_pod(kind):
    obj = KINDS[kind](windows_spec(containers=[ctr(image=WIN_IMAGE), ctr("log", image="fluent/fluent-bit:3.0-linux-amd64")]))
    f = only(findings(obj), "image-os-mismatch")
    assert f.path_str == f"{PREFIX[kind]}.containers[1].image"
    assert f.severity is Severity.ERROR and f.stage is Stage.RUNTIME
    assert f.message == ("fluent/fluent-bit:3.0-linux-amd64 is a linux image (tag 3.0-linux-amd64) "
                         "in a pod meant for windows (spec.os.name=windows)")


def test_windows_image_in_a_linux_selected_pod():
    f = only(findings(pod(nodeSelector=LINUX_SELECTOR, containers=[ctr(image=WIN_IMAGE)])), "image-os-mismatch")
    assert f.path_str == "spec.containers[0].image"
    assert f.message.endswith("in a pod meant for linux (nodeSelector kubernetes.io/os=linux)")


@pytest.mark.parametrize("obj", [
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE), ctr("side", image="nginx:1.27")])),  # unknown OS: no claim
    pod(containers=[ctr(image=WIN_IMAGE), ctr("side", image=LINUX_IMAGE)]),  # intent from images only: mixed-os-images says it
    pod(nodeSelector=LINUX_SELECTOR, containers=[ctr(image=LINUX_IMAGE)]),
])
def test_image_os_near_misses(obj):
    assert not by_rule(findings(obj), "image-os-mismatch")


# --- mixed-os-images -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_mixed_os_images_flags_the_minority(kind):
    obj = KINDS[kind](windows_spec(initContainers=[ctr("init", image="mcr.microsoft.com/windows/nanoserver:ltsc2022")],
                                   containers=[ctr(image=WIN_IMAGE), ctr("proxy", image=LINUX_IMAGE)]))
    f = only(findings(obj), "mixed-os-images")
    assert f.path_str == f"{PREFIX[kind]}.containers[1].image"
    assert f.severity is Severity.ERROR and f.stage is Stage.RUNTIME
    assert f.message.startswith("registry.k8s.io/pause:3.10-linux-amd64 is a linux image (tag 3.10-linux-amd64) "
                                "but mcr.microsoft.com/windows/nanoserver:ltsc2022 is a windows image")


@pytest.mark.parametrize("order", ["windows-first", "linux-first"])
@pytest.mark.parametrize("os_name, flagged", [("windows", LINUX_IMAGE), ("linux", WIN_IMAGE)])
def test_mixed_os_images_tie_flags_the_image_of_the_other_os(order, os_name, flagged):
    images = [ctr("a", image=WIN_IMAGE), ctr("b", image=LINUX_IMAGE)]
    if order == "linux-first":
        images.reverse()
    f = only(findings(pod(os={"name": os_name}, containers=images)), "mixed-os-images")
    assert f.message.startswith(flagged + " is a ")


def test_mixed_os_images_tie_without_intent_flags_the_later_image():
    f = only(findings(pod(containers=[ctr("a", image=WIN_IMAGE), ctr("b", image=LINUX_IMAGE)])), "mixed-os-images")
    assert f.path_str == "spec.containers[1].image"


@pytest.mark.parametrize("obj", [
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE), ctr("b", image=WIN2025_IMAGE)])),
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE), ctr("b", image="busybox:1.36")])),  # unknown OS does not count
    pod(containers=[ctr(image=LINUX_IMAGE), ctr("b", image="quay.io/x/y:v1-linux-arm64")]),
])
def test_mixed_os_images_near_misses(obj):
    assert not by_rule(findings(obj), "mixed-os-images")
