"""Semantics-family rules: fields a Windows-bound pod sets that Windows ignores or cannot honour.
Rules for fields the API server rejects on `spec.os.name: windows` pods speak only when spec.os is
not set (the admission rules speak otherwise)."""
from __future__ import annotations

import pytest

from lintkit import (
    KINDS, LINUX_POOL, LINUX_SELECTOR, PREFIX, WIN_IMAGE, WIN_POOL, by_rule, ctr, daemonset, findings, only, pod, profile,
    rule_ids, unannounced_windows_spec, windows_spec,
)
from winkube.model.finding import Severity, Stage
from winkube.rules import all_rules

FAMILY = {r.id for r in all_rules().values() if ".rules.semantics." in r.module}
HOST_PROCESS = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}
U = unannounced_windows_spec
TEMPLATE_KINDS = ["Pod", "Deployment", "CronJob", "PodTemplate"]


def test_family_rules_covered_here_exist():
    # (every rule of the family when this was written; new ones need their own tests)
    assert FAMILY >= {
        "dns-policy-cluster-first-with-host-net", "host-namespaces-on-windows", "host-network-without-host-process",
        "hugepages-on-windows", "linux-security-field-ignored", "linux-shell-in-windows-container", "privileged-on-windows",
        "read-only-root-filesystem-on-windows", "run-as-non-root-container-administrator", "run-as-user-on-windows",
        "set-os-name", "volume-feature-on-windows"}


@pytest.mark.parametrize("kind", TEMPLATE_KINDS + ["DaemonSet"])
def test_a_correct_windows_workload_has_no_semantics_finding(kind):
    found = findings(KINDS[kind](windows_spec()))
    assert not rule_ids(found) & FAMILY, [(f.rule, f.message) for f in found]


LINUX_EVERYTHING = dict(
    nodeSelector=LINUX_SELECTOR, hostPID=True, hostIPC=True, shareProcessNamespace=True, hostNetwork=True,
    dnsPolicy="ClusterFirstWithHostNet",
    securityContext={"runAsUser": 1000, "runAsNonRoot": True, "fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"},
                     "sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]},
    volumes=[{"name": "m", "emptyDir": {"medium": "Memory"}}, {"name": "n", "nfs": {"server": "nfs", "path": "/"}}],
    containers=[ctr(command=["/bin/sh", "-c", "sleep 1"],
                    sc={"privileged": True, "readOnlyRootFilesystem": True, "runAsUser": 0, "capabilities": {"add": ["NET_ADMIN"]}},
                    resources={"limits": {"hugepages-2Mi": "100Mi", "memory": "1Gi"}},
                    volumeMounts=[{"name": "m", "mountPath": "/m", "mountPropagation": "HostToContainer"}])],
)


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_linux_workload_using_every_linux_feature_has_no_semantics_finding(kind):
    found = findings(KINDS[kind](**LINUX_EVERYTHING))
    assert not rule_ids(found) & FAMILY, [(f.rule, f.path_str) for f in found]


def test_a_linux_workload_in_a_cluster_with_untainted_windows_is_not_windows_bound():
    found = findings(pod(**{**LINUX_EVERYTHING, "nodeSelector": {}}), profile([LINUX_POOL, {**WIN_POOL, "taints": []}]))
    assert not rule_ids(found) & FAMILY, [(f.rule, f.path_str) for f in found]


# --- set-os-name ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_set_os_name(kind):
    f = only(findings(KINDS[kind](U())), "set-os-name")
    assert f.path_str == f"{PREFIX[kind]}.os"
    assert f.severity is Severity.INFO and f.stage is Stage.PRACTICE
    assert "bound for Windows but spec.os.name is not windows" in f.message


def test_set_os_name_when_the_pod_can_only_land_on_windows():
    # no OS in the pod at all, but its selector only matches a Windows pool
    prof = profile([LINUX_POOL, {**WIN_POOL, "labels": {"app-tier": "legacy"}}])
    f = only(findings(pod(nodeSelector={"app-tier": "legacy"}, tolerations=[{"key": "os", "operator": "Exists"}]), prof),
             "set-os-name")
    assert f.path_str == "spec.os"


@pytest.mark.parametrize("obj", [pod(windows_spec()), pod(), pod(nodeSelector=LINUX_SELECTOR),
                                 pod(U(os={"name": "linux"}))])  # a contradiction: kubelet-rejects-os says it
def test_set_os_name_near_misses(obj):
    assert not by_rule(findings(obj), "set-os-name")


# --- rules that defer to admission when spec.os.name is windows ----------------------------

DEFERRING = [
    ("host-namespaces-on-windows", dict(hostPID=True), "hostPID", "hostPID: true has no effect on Windows"),
    ("host-namespaces-on-windows", dict(hostIPC=True), "hostIPC", "hostIPC: true has no effect on Windows"),
    ("host-namespaces-on-windows", dict(shareProcessNamespace=True), "shareProcessNamespace",
     "shareProcessNamespace: true has no effect on Windows"),
    ("run-as-user-on-windows", dict(securityContext={"runAsUser": 1000}), "securityContext.runAsUser",
     "pod securityContext.runAsUser=1000 is ignored on Windows; use windowsOptions.runAsUserName"),
    ("run-as-user-on-windows", dict(containers=[ctr(image=WIN_IMAGE, sc={"runAsUser": 0})]), "containers[0].securityContext.runAsUser",
     "container app: runAsUser=0 is ignored on Windows; use windowsOptions.runAsUserName"),
    ("privileged-on-windows", dict(containers=[ctr(image=WIN_IMAGE, sc={"privileged": True})]),
     "containers[0].securityContext.privileged",
     "container app asks to be privileged, which Windows ignores; use a HostProcess container instead"),
    ("read-only-root-filesystem-on-windows", dict(initContainers=[ctr("init", image=WIN_IMAGE, sc={"readOnlyRootFilesystem": True})]),
     "initContainers[0].securityContext.readOnlyRootFilesystem",
     "container init: a read-only root filesystem is not possible on Windows"),
    ("linux-security-field-ignored", dict(securityContext={"seccompProfile": {"type": "RuntimeDefault"}}),
     "securityContext.seccompProfile", "pod securityContext.seccompProfile has no effect on Windows: seccomp does not exist on Windows"),
    ("linux-security-field-ignored", dict(securityContext={"fsGroup": 1}), "securityContext.fsGroup",
     "pod securityContext.fsGroup has no effect on Windows: Windows files have no group ownership to change"),
    ("linux-security-field-ignored", dict(securityContext={"sysctls": [{"name": "kernel.shm_rmid_forced", "value": "1"}]}),
     "securityContext.sysctls", "pod securityContext.sysctls has no effect on Windows: Windows has no sysctls"),
    ("linux-security-field-ignored", dict(containers=[ctr(image=WIN_IMAGE, sc={"capabilities": {"drop": ["ALL"]}})]),
     "containers[0].securityContext.capabilities",
     "container app: securityContext.capabilities has no effect on Windows: Windows has no Linux capabilities"),
    ("linux-security-field-ignored", dict(containers=[ctr(image=WIN_IMAGE, sc={"allowPrivilegeEscalation": False})]),
     "containers[0].securityContext.allowPrivilegeEscalation",
     "container app: securityContext.allowPrivilegeEscalation has no effect on Windows: Windows has no setuid privilege escalation"),
]
DEFERRING_IDS = [f"{r}:{p}" for r, _, p, _ in DEFERRING]
SEVERITY = {"host-namespaces-on-windows": Severity.WARNING, "run-as-user-on-windows": Severity.WARNING,
            "privileged-on-windows": Severity.WARNING, "read-only-root-filesystem-on-windows": Severity.WARNING,
            "linux-security-field-ignored": Severity.INFO}


@pytest.mark.parametrize("rule_id, fields, path, message", DEFERRING, ids=DEFERRING_IDS)
@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_ignored_field_without_spec_os(kind, rule_id, fields, path, message):
    f = only(findings(KINDS[kind](U(**fields))), rule_id)
    assert f.path_str == f"{PREFIX[kind]}.{path}"
    assert f.severity is SEVERITY[rule_id] and f.stage is Stage.IGNORED
    assert f.message == message


@pytest.mark.parametrize("rule_id, fields, path, message", DEFERRING, ids=DEFERRING_IDS)
def test_with_spec_os_windows_admission_reports_it_instead(rule_id, fields, path, message):
    found = findings(pod(windows_spec(**fields)))
    assert not by_rule(found, rule_id)
    assert [f.path_str for f in by_rule(found, "windows-forbidden-field")] == [f"spec.{path}"]


@pytest.mark.parametrize("rule_id, fields, path, message", DEFERRING, ids=DEFERRING_IDS)
def test_on_a_linux_pod_nothing_is_ignored(rule_id, fields, path, message):
    assert not by_rule(findings(pod(nodeSelector=LINUX_SELECTOR, **fields)), rule_id)


@pytest.mark.parametrize("rule_id, fields", [
    ("host-namespaces-on-windows", dict(hostPID=False, hostIPC=False, shareProcessNamespace=False)),
    ("privileged-on-windows", dict(containers=[ctr(image=WIN_IMAGE, sc={"privileged": False})])),
    ("read-only-root-filesystem-on-windows", dict(containers=[ctr(image=WIN_IMAGE, sc={"readOnlyRootFilesystem": False})])),
    ("linux-security-field-ignored", dict(securityContext={"sysctls": [], "runAsNonRoot": True})),
])
def test_false_and_empty_values_have_nothing_to_lose(rule_id, fields):
    assert not by_rule(findings(pod(U(**fields))), rule_id)


def test_linux_security_fields_of_every_container_list():
    obj = pod(U(initContainers=[ctr("init", image=WIN_IMAGE, sc={"seLinuxOptions": {"level": "s0"}})],
                containers=[ctr(image=WIN_IMAGE, sc={"procMount": "Default", "runAsGroup": 3})]))
    paths = sorted(f.path_str for f in by_rule(findings(obj), "linux-security-field-ignored"))
    assert paths == ["spec.containers[0].securityContext.procMount", "spec.containers[0].securityContext.runAsGroup",
                     "spec.initContainers[0].securityContext.seLinuxOptions"]


# --- host-network-without-host-process -----------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_host_network_without_host_process(kind):
    f = only(findings(KINDS[kind](windows_spec(hostNetwork=True))), "host-network-without-host-process")
    assert f.path_str == f"{PREFIX[kind]}.hostNetwork"
    assert f.severity is Severity.WARNING and f.stage is Stage.IGNORED
    assert f.message == "hostNetwork is only possible for HostProcess pods on Windows"


@pytest.mark.parametrize("obj", [
    pod(windows_spec(hostNetwork=True, securityContext=HOST_PROCESS)),
    pod(windows_spec(hostNetwork=True, containers=[ctr(image=WIN_IMAGE, sc=HOST_PROCESS)])),
    pod(windows_spec(hostNetwork=False)),
    pod(hostNetwork=True, nodeSelector=LINUX_SELECTOR),
])
def test_host_network_near_misses(obj):
    assert not by_rule(findings(obj), "host-network-without-host-process")


# --- dns-policy-cluster-first-with-host-net --------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_dns_policy_cluster_first_with_host_net(kind):
    spec = windows_spec(dnsPolicy="ClusterFirstWithHostNet", hostNetwork=True, securityContext=HOST_PROCESS)
    f = only(findings(KINDS[kind](spec)), "dns-policy-cluster-first-with-host-net")
    assert f.path_str == f"{PREFIX[kind]}.dnsPolicy"
    assert f.severity is Severity.WARNING and f.stage is Stage.IGNORED
    assert f.message == "ClusterFirstWithHostNet is not supported on Windows"


@pytest.mark.parametrize("obj", [pod(windows_spec(dnsPolicy="ClusterFirst")), pod(windows_spec(dnsPolicy="Default")),
                                 # the kubelet reads ClusterFirstWithHostNet as ClusterFirst off the host network
                                 pod(windows_spec(dnsPolicy="ClusterFirstWithHostNet")),
                                 pod(nodeSelector=LINUX_SELECTOR, hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet")])
def test_dns_policy_near_misses(obj):
    assert not by_rule(findings(obj), "dns-policy-cluster-first-with-host-net")


# --- hugepages-on-windows ------------------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_hugepages_on_windows(kind):
    obj = KINDS[kind](windows_spec(containers=[ctr(image=WIN_IMAGE, resources={"requests": {"hugepages-1Gi": "1Gi"},
                                                                              "limits": {"hugepages-1Gi": "1Gi", "memory": "2Gi"}})]))
    hits = by_rule(findings(obj), "hugepages-on-windows")
    assert [f.path_str for f in hits] == [f"{PREFIX[kind]}.containers[0].resources.requests[hugepages-1Gi]",
                                          f"{PREFIX[kind]}.containers[0].resources.limits[hugepages-1Gi]"]
    assert all(f.severity is Severity.ERROR and f.stage is Stage.SCHEDULING for f in hits)
    assert hits[0].message == "container app asks for hugepages-1Gi, which Windows nodes do not have"


@pytest.mark.parametrize("obj", [
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE, resources={"limits": {"memory": "2Gi", "cpu": "1"}})])),
    pod(nodeSelector=LINUX_SELECTOR, containers=[ctr(resources={"limits": {"hugepages-2Mi": "10Mi", "memory": "1Gi"}})]),
])
def test_hugepages_near_misses(obj):
    assert not by_rule(findings(obj), "hugepages-on-windows")


# --- linux-shell-in-windows-container ------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_linux_shell_in_windows_container(kind):
    obj = KINDS[kind](windows_spec(initContainers=[ctr("setup", image=WIN_IMAGE, command=["/bin/bash", "-c", "cp a b"])]))
    f = only(findings(obj), "linux-shell-in-windows-container")
    assert f.path_str == f"{PREFIX[kind]}.initContainers[0].command[0]"
    assert f.severity is Severity.ERROR and f.stage is Stage.RUNTIME
    assert f.message == ("container setup starts /bin/bash, a Linux shell that a Windows image does not have "
                         "(Windows looks for C:\\bin\\bash, then .exe)")


@pytest.mark.parametrize("obj", [
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE, command=["cmd", "/c", "echo hi"])])),
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE, command=["powershell.exe", "-Command", "Get-Date"])])),
    pod(windows_spec(containers=[ctr(image=WIN_IMAGE, args=["/bin/sh"])])),  # args are not the executable
    # HostProcess containers run on the host, where a shell may exist in any form
    pod(windows_spec(hostNetwork=True, securityContext=HOST_PROCESS, containers=[ctr(image=WIN_IMAGE, command=["bash", "-c", "x"])])),
    pod(nodeSelector=LINUX_SELECTOR, containers=[ctr(command=["/bin/sh", "-c", "x"])]),
])
def test_linux_shell_near_misses(obj):
    assert not by_rule(findings(obj), "linux-shell-in-windows-container")


# --- run-as-non-root-container-administrator -----------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_run_as_non_root_with_container_administrator_at_pod_level(kind):
    sc = {"runAsNonRoot": True, "windowsOptions": {"runAsUserName": "ContainerAdministrator"}}
    f = only(findings(KINDS[kind](windows_spec(securityContext=sc))), "run-as-non-root-container-administrator")
    assert f.path_str == f"{PREFIX[kind]}.securityContext.windowsOptions.runAsUserName"
    assert f.severity is Severity.ERROR and f.stage is Stage.KUBELET
    assert f.message == ("container app must run as non-root, but runAsUserName ContainerAdministrator is the root identity "
                         "on Windows: the kubelet will not start it")


def test_run_as_non_root_from_the_pod_with_the_user_in_the_container_any_case():
    obj = pod(windows_spec(securityContext={"runAsNonRoot": True},
                           containers=[ctr(image=WIN_IMAGE, sc={"windowsOptions": {"runAsUserName": "containeradministrator"}})]))
    f = only(findings(obj), "run-as-non-root-container-administrator")
    assert f.path_str == "spec.containers[0].securityContext.windowsOptions.runAsUserName"
    assert "runAsUserName containeradministrator" in f.message


@pytest.mark.parametrize("pod_sc, container_sc", [
    ({"runAsNonRoot": True, "windowsOptions": {"runAsUserName": "ContainerUser"}}, None),
    ({"runAsNonRoot": False, "windowsOptions": {"runAsUserName": "ContainerAdministrator"}}, None),
    ({"windowsOptions": {"runAsUserName": "ContainerAdministrator"}}, None),  # root is allowed unless runAsNonRoot
    ({"runAsNonRoot": True, "windowsOptions": {"runAsUserName": "ContainerAdministrator"}}, {"runAsNonRoot": False}),
    ({"runAsNonRoot": True, "windowsOptions": {"runAsUserName": "ContainerAdministrator"}},
     {"windowsOptions": {"runAsUserName": "ContainerUser"}}),  # the container's own user wins
    ({"runAsNonRoot": True}, None),  # the image's default user cannot be known statically
])
def test_run_as_non_root_near_misses(pod_sc, container_sc):
    obj = pod(windows_spec(securityContext=pod_sc, containers=[ctr(image=WIN_IMAGE, sc=container_sc)]))
    assert not by_rule(findings(obj), "run-as-non-root-container-administrator")


# --- volume-feature-on-windows -------------------------------------------------------------

@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_volume_features_windows_cannot_provide(kind):
    obj = KINDS[kind](windows_spec(
        volumes=[{"name": "scratch", "emptyDir": {"medium": "Memory"}}, {"name": "share", "nfs": {"server": "nfs", "path": "/x"}}],
        containers=[ctr(image=WIN_IMAGE, volumeMounts=[{"name": "share", "mountPath": "C:\\data", "mountPropagation": "Bidirectional"}],
                        volumeDevices=[{"name": "disk", "devicePath": "\\\\.\\PhysicalDrive1"}])]))
    hits = by_rule(findings(obj), "volume-feature-on-windows")
    p = PREFIX[kind]
    assert [(f.path_str, f.message) for f in hits] == [
        (f"{p}.volumes[0].emptyDir.medium", "volume scratch: emptyDir medium Memory is not supported on Windows"),
        (f"{p}.volumes[1].nfs", "volume share: NFS volumes are not supported on Windows nodes"),
        (f"{p}.containers[0].volumeDevices", "container app: raw block volumeDevices are not supported on Windows"),
    ]
    assert all(f.severity is Severity.ERROR and f.stage is Stage.RUNTIME for f in hits)
    # the kubelet mounts it private instead of failing (translateMountPropagation): ignored, not a runtime error
    f = only(findings(obj), "mount-propagation-on-windows")
    assert f.path_str == f"{p}.containers[0].volumeMounts[0].mountPropagation"
    assert f.stage is Stage.IGNORED and f.severity is Severity.WARNING
    assert f.message == "container app: mountPropagation Bidirectional has no effect on Windows (the kubelet mounts the volume private)"


@pytest.mark.parametrize("obj", [
    pod(windows_spec(volumes=[{"name": "scratch", "emptyDir": {}}, {"name": "d", "emptyDir": {"medium": ""}}],
                     containers=[ctr(image=WIN_IMAGE, volumeMounts=[{"name": "d", "mountPath": "C:\\d", "mountPropagation": "None"}],
                                     volumeDevices=[])])),
    pod(windows_spec(volumes=[{"name": "smb", "csi": {"driver": "smb.csi.k8s.io"}}])),
    pod(nodeSelector=LINUX_SELECTOR, volumes=[{"name": "n", "nfs": {"server": "s", "path": "/"}}]),
])
def test_volume_near_misses(obj):
    assert not by_rule(findings(obj), "volume-feature-on-windows")


# --- how "bound for Windows" is decided ------------------------------------------------------

def test_windows_daemonset_by_runtime_class_is_windows_bound():
    rc = {"name": "win", "handler": "runhcs-wcow-process",
          "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows"}, "tolerations": [{"key": "os", "operator": "Exists"}]}}
    prof = profile([LINUX_POOL, WIN_POOL], [rc])
    f = only(findings(daemonset(runtimeClassName="win", hostPID=True), prof), "host-namespaces-on-windows")
    assert f.path_str == "spec.template.spec.hostPID"


def test_a_pod_that_can_land_on_both_oses_is_not_windows_bound():
    # no OS intent, untainted Windows: no-os-targeting speaks; the semantics rules stay quiet
    found = findings(pod(hostPID=True), profile([LINUX_POOL, {**WIN_POOL, "taints": []}]))
    assert "no-os-targeting" in rule_ids(found)
    assert not rule_ids(found) & FAMILY


def test_privileged_on_a_host_process_container_does_not_advise_host_process():
    obj = daemonset(U(hostNetwork=True, securityContext=HOST_PROCESS, containers=[ctr(image=WIN_IMAGE, sc={"privileged": True})]))
    f = only(findings(obj), "privileged-on-windows")
    assert f.path_str == "spec.template.spec.containers[0].securityContext.privileged"
    assert f.message == ("container app asks to be privileged, which Windows ignores; "
                         "as a HostProcess container it has host access without it")
    assert f.fix == "Remove privileged: HostProcess containers do not need it."


@pytest.mark.parametrize("version, severity", [
    ((1, 25), Severity.WARNING),  # kuberuntime_sandbox.go at v1.25.16: no WindowsHostNetwork, the pod's own network
    ((1, 26), Severity.INFO),  # v1.26.15: the gate is on by default and the kubelet asks for the node's network
    ((1, 32), Severity.INFO),  # v1.32.13: still asked
    ((1, 33), Severity.WARNING),  # v1.33.13: the code is gone, the gate deprecated and off
])
def test_host_network_without_host_process_per_release(version, severity):
    f = only(findings(pod(windows_spec(hostNetwork=True)), kube_version=version), "host-network-without-host-process")
    assert f.severity is severity
    if severity is Severity.INFO:
        assert f.message.startswith(f"in Kubernetes {version[0]}.{version[1]} the kubelet asks the container runtime "
                                    "for the node's network for this pod (WindowsHostNetwork")
