"""Rules from statements of the Kubernetes Windows guide (issue 14): requests on Windows containers,
graceful shutdown, terminationMessagePath, and the accounts a HostProcess container runs as. Real
manifests from ../shared/corpus where they exist, small built pods for the edges."""
from __future__ import annotations

import pytest
from harness.controlplane import shared_dir

from lintkit import KINDS, PREFIX, WIN_IMAGE, by_rule, ctr, findings, only, pod, windows_spec
from winkube.model.finding import Severity, Stage

WIN = shared_dir() / "corpus" / "real-windows"
HOST_PROCESS_SYSTEM = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}


def corpus(name: str) -> str:
    path = WIN / name
    assert path.is_file(), f"corpus file missing: {path}"
    return path.read_text()


# --- windows-container-without-requests --------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_requests_missing_is_advice_on_every_kind(kind):
    spec = windows_spec(containers=[ctr(image=WIN_IMAGE)])
    f = only(findings(KINDS[kind](spec)), "windows-container-without-requests")
    assert (f.stage, f.severity) == (Stage.PRACTICE, Severity.INFO)
    assert f.path_str == f"{PREFIX[kind]}.containers[0]" and "no cpu and no memory" in f.message


def test_a_limit_counts_as_a_request_and_only_the_missing_resource_is_named():
    spec = windows_spec(containers=[ctr(image=WIN_IMAGE, resources={"limits": {"cpu": "1"}}),
                                    ctr("b", image=WIN_IMAGE, resources={"limits": {"cpu": "1", "memory": "1Gi"}})])
    f = only(findings(pod(spec)), "windows-container-without-requests")
    assert f.path_str == "spec.containers[0].resources" and "no memory" in f.message and "cpu" not in f.message


def test_init_containers_are_asked_ephemeral_containers_are_not():
    spec = windows_spec(initContainers=[ctr("init", image=WIN_IMAGE)],
                        ephemeralContainers=[ctr("debug", image=WIN_IMAGE)])
    assert [f.path_str for f in by_rule(findings(pod(spec)), "windows-container-without-requests")] == ["spec.initContainers[0]"]


def test_linux_pods_are_not_asked():
    assert not by_rule(findings(pod(nodeSelector={"kubernetes.io/os": "linux"})), "windows-container-without-requests")


def test_real_manifests_ebs_csi_with_requests_passes_and_aks_engine_iis_without_is_advised():
    # the ebs-csi Windows node plugin sets requests (or limits) on all three containers
    ebs = findings(corpus("kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml"))
    assert not by_rule(ebs, "windows-container-without-requests")
    # aks-engine's IIS-on-azurefile e2e pod sets no resources at all
    iis = findings(corpus("Azure__aks-engine__test__e2e__kubernetes__workloads__iis-azurefile.yaml"))
    f = only(iis, "windows-container-without-requests")
    assert f.path_str == "spec.containers[0]" and "no cpu and no memory" in f.message


# --- graceful-shutdown-on-windows -----------------------------------------------------------

def test_real_manifest_ebs_csi_windows_node_grace_30_is_the_api_default_and_not_reported():
    # aws-ebs-csi-driver's Windows node DaemonSet writes 30, which is also what the API server gives
    # every pod: the webhook and audit cannot tell the two apart, so lint does not report it either
    found = findings(corpus("kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml"))
    assert not by_rule(found, "graceful-shutdown-on-windows")
    text = corpus("kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml")
    f = only(findings(text.replace("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 60")),
             "graceful-shutdown-on-windows")
    assert (f.stage, f.severity) == (Stage.IGNORED, Severity.INFO)
    assert f.path_str == "spec.template.spec.terminationGracePeriodSeconds" and "60" in f.message


@pytest.mark.parametrize("grace,reported", [(5, False), (0, False), (6, True), (30, False), (31, True), (3600, True)])
def test_only_a_grace_period_above_the_in_image_default_is_reported(grace, reported):
    found = findings(pod(windows_spec(terminationGracePeriodSeconds=grace)))
    assert bool(by_rule(found, "graceful-shutdown-on-windows")) is reported


def test_host_process_and_linux_pods_are_not_reported():
    hp = windows_spec(hostNetwork=True, securityContext=HOST_PROCESS_SYSTEM, terminationGracePeriodSeconds=60)
    assert not by_rule(findings(pod(hp)), "graceful-shutdown-on-windows")
    linux = pod(nodeSelector={"kubernetes.io/os": "linux"}, terminationGracePeriodSeconds=60)
    assert not by_rule(findings(linux), "graceful-shutdown-on-windows")


# --- termination-message-path-on-windows --------------------------------------------------------

def test_a_custom_termination_message_path_is_reported_per_container():
    spec = windows_spec(initContainers=[ctr("init", image=WIN_IMAGE, terminationMessagePath="C:\\logs\\end.txt")],
                        containers=[ctr(image=WIN_IMAGE, terminationMessagePath="/dev/termination-log"),
                                    ctr("b", image=WIN_IMAGE, terminationMessagePath="/tmp/msg")])
    found = by_rule(findings(pod(spec)), "termination-message-path-on-windows")
    assert [f.path_str for f in found] == ["spec.initContainers[0].terminationMessagePath",
                                          "spec.containers[1].terminationMessagePath"]
    assert found[0].stage is Stage.RUNTIME


def test_no_real_windows_manifest_sets_a_termination_message_path():
    # none of the 91 real Windows manifests sets one, so none may be reported
    assert not any("terminationMessagePath" in p.read_text(errors="replace") for p in WIN.glob("*.y*ml"))


# --- host-process-container-account ---------------------------------------------------------

@pytest.mark.parametrize("user", ["ContainerAdministrator", "containeruser", "CONTAINERUSER"])
def test_host_process_as_an_image_account_is_reported(user):
    sc = {"windowsOptions": {"hostProcess": True, "runAsUserName": user}}
    spec = windows_spec(hostNetwork=True, securityContext=sc,
                        containers=[ctr(image=WIN_IMAGE, resources={"requests": {"cpu": "1", "memory": "1Gi"}}),
                                    ctr("b", image=WIN_IMAGE, resources={"requests": {"cpu": "1", "memory": "1Gi"}})])
    f = only(findings(pod(spec)), "host-process-container-account")  # the pod-level value once, not per container
    assert f.path_str == "spec.securityContext.windowsOptions.runAsUserName" and f.stage is Stage.RUNTIME


def test_a_container_level_account_wins_over_the_pod_level_one():
    spec = windows_spec(hostNetwork=True, securityContext=HOST_PROCESS_SYSTEM,
                        containers=[ctr(image=WIN_IMAGE, sc={"windowsOptions": {"runAsUserName": "ContainerUser"}})])
    f = only(findings(pod(spec)), "host-process-container-account")
    assert f.path_str == "spec.containers[0].securityContext.windowsOptions.runAsUserName"


def test_real_manifests_host_process_as_system_and_image_accounts_outside_host_process_pass():
    for name in ("kubernetes-sigs__sig-windows-tools__hostprocess__containerd-logger__containerd-logger.yaml",
                 "antrea-io__antrea__build__yamls__antrea-windows-containerd.yml",
                 # ContainerUser / ContainerAdministrator in an ordinary Windows pod are right there
                 "kubernetes__website__content__en__examples__windows__run-as-username-container.yaml",
                 "kubernetes__website__content__en__examples__windows__run-as-username-pod.yaml"):
        assert not by_rule(findings(corpus(name)), "host-process-container-account"), name
