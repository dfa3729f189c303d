"""Scheduling-family rules: where a pod can land (read from targeting), through the real engine."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import (
    KINDS, LINUX_IMAGE, LINUX_POOL, LINUX_SELECTOR, PREFIX, WIN_IMAGE, WIN_POOL, WIN_POOL_UNTAINTED, WIN_SELECTOR,
    WIN_TOLERATION, by_rule, ctr, daemonset, deployment, findings, only, pod, profile, rule_ids, unannounced_windows_spec,
    windows_spec,
)
from winkube.engine import Engine, Options
from winkube.load.inputs import Source
from winkube.model.finding import Severity, Stage
from winkube.model.profile import default_profile
from winkube.rules import all_rules

FAMILY = {r.id for r in all_rules().values() if ".rules.scheduling." in r.module}
TOLERATE_ALL = [{"operator": "Exists"}]
UNTAINTED = profile([LINUX_POOL, WIN_POOL_UNTAINTED])
MIXED = profile([LINUX_POOL, WIN_POOL])  # a real (not assumed) profile with a tainted Windows pool
RC_PROCESS = {"name": "windows-2022", "handler": "runhcs-wcow-process",
              "scheduling": {"nodeSelector": dict(WIN_SELECTOR), "tolerations": [dict(WIN_TOLERATION)]}}
RC_HYPERV = {"name": "hyperv", "handler": "runhcs-wcow-hypervisor",
             "scheduling": {"nodeSelector": dict(WIN_SELECTOR), "tolerations": [dict(WIN_TOLERATION)]}}
WITH_RCS = profile([LINUX_POOL, WIN_POOL], [RC_PROCESS, RC_HYPERV])


def test_family_rules_covered_here_exist():
    # (every rule of the family when this was written; new ones need their own tests)
    assert FAMILY >= {
        "daemonset-on-windows-nodes", "hyperv-isolation-requested", "kubelet-rejects-os", "linux-pod-can-land-on-windows",
        "no-os-targeting", "no-schedulable-pool", "runtimeclass-conflict", "runtimeclass-missing",
        "windows-pod-can-land-on-linux", "windows-toleration-without-selector"}


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate", "DaemonSet"])
def test_a_correct_windows_workload_has_no_scheduling_finding(kind):
    found = findings(KINDS[kind](windows_spec()))
    assert not rule_ids(found) & FAMILY, [(f.rule, f.message) for f in found]


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate", "DaemonSet"])
def test_a_linux_workload_in_a_tainted_cluster_has_no_scheduling_finding(kind):
    found = findings(KINDS[kind]({"containers": [ctr(image=LINUX_IMAGE)]}))
    assert not rule_ids(found) & FAMILY, [(f.rule, f.message) for f in found]


# --- windows-pod-can-land-on-linux ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate", "DaemonSet"])
def test_windows_pod_without_selector_can_land_on_linux(kind):
    f = only(findings(KINDS[kind]({"containers": [ctr(image=WIN_IMAGE)], "tolerations": [WIN_TOLERATION]})),
             "windows-pod-can-land-on-linux")
    assert f.path_str == f"{PREFIX[kind]}.nodeSelector"
    assert f.severity is Severity.ERROR and f.stage is Stage.SCHEDULING
    assert "meant for Windows (images: mcr.microsoft.com/windows/servercore:ltsc2022" in f.message
    assert f.message.endswith("but can be scheduled onto linux (linux/amd64)")
    assert "kubernetes.io/os: windows" in f.fix and "os=windows:NoSchedule" in f.fix


def test_windows_pod_by_os_name_only():
    f = only(findings(pod(os={"name": "windows"}, tolerations=[WIN_TOLERATION])), "windows-pod-can-land-on-linux")
    assert "meant for Windows (spec.os.name=windows)" in f.message


def test_windows_pod_fix_names_no_toleration_when_windows_is_untainted():
    f = only(findings(pod(os={"name": "windows"}), UNTAINTED), "windows-pod-can-land-on-linux")
    assert f.fix == "add nodeSelector kubernetes.io/os: windows, and spec.os.name: windows"


@pytest.mark.parametrize("spec", [
    windows_spec(),
    {"containers": [ctr(image=WIN_IMAGE)], "nodeSelector": WIN_SELECTOR},  # no toleration: lands nowhere, not on Linux either
    {"containers": [ctr(image=WIN_IMAGE)], "runtimeClassName": "windows-2022"},  # the RuntimeClass carries the targeting
])
def test_windows_pod_that_cannot_reach_linux(spec):
    assert not by_rule(findings(pod(spec), WITH_RCS), "windows-pod-can-land-on-linux")


# --- linux-pod-can-land-on-windows ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_linux_pod_can_land_on_untainted_windows(kind):
    f = only(findings(KINDS[kind]({"containers": [ctr(image=LINUX_IMAGE)]}), UNTAINTED), "linux-pod-can-land-on-windows")
    assert f.path_str == f"{PREFIX[kind]}.nodeSelector"
    assert f.severity is Severity.ERROR and f.stage is Stage.SCHEDULING
    assert "meant for Linux (images: registry.k8s.io/pause:3.10-linux-amd64" in f.message
    assert "can be scheduled onto win22 (windows/amd64 10.0.20348)" in f.message
    assert f.fix == "add nodeSelector kubernetes.io/os: linux"


def test_linux_pod_with_os_name_tolerating_everything():
    f = only(findings(pod(os={"name": "linux"}, tolerations=TOLERATE_ALL)), "linux-pod-can-land-on-windows")
    assert "meant for Linux (spec.os.name=linux)" in f.message and "windows-2022" in f.message and "windows-2025" in f.message


@pytest.mark.parametrize("obj, prof", [
    (pod(containers=[ctr(image=LINUX_IMAGE)]), None),  # the default profile's Windows pools are tainted
    (pod(nodeSelector=LINUX_SELECTOR, containers=[ctr(image=LINUX_IMAGE)]), UNTAINTED),
    (pod(nodeSelector=LINUX_SELECTOR, tolerations=TOLERATE_ALL, os={"name": "linux"}), None),
    (daemonset(containers=[ctr(image=LINUX_IMAGE)]), UNTAINTED),  # DaemonSets: daemonset-on-windows-nodes says it
])
def test_linux_pod_that_cannot_reach_windows(obj, prof):
    assert not by_rule(findings(obj, prof), "linux-pod-can-land-on-windows")


# --- no-os-targeting -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_no_os_targeting_in_an_untainted_mixed_cluster(kind):
    f = only(findings(KINDS[kind](), UNTAINTED), "no-os-targeting")
    assert f.path_str == f"{PREFIX[kind]}.nodeSelector"
    assert f.severity is Severity.WARNING and f.stage is Stage.SCHEDULING
    assert f.message == "no OS targeting: can be scheduled onto Linux and onto win22 (windows/amd64 10.0.20348)"


def test_no_os_targeting_when_tolerating_the_windows_taint():
    f = only(findings(pod(tolerations=[WIN_TOLERATION])), "no-os-targeting")
    assert "windows-2022" in f.message and "windows-2025" in f.message


@pytest.mark.parametrize("obj, prof", [
    (pod(), None),  # tainted Windows pools: a plain pod lands on Linux only
    (pod(nodeSelector=LINUX_SELECTOR), UNTAINTED),
    (pod(nodeSelector={"kubernetes.io/arch": "amd64"}), profile([LINUX_POOL])),  # a Linux-only cluster
    (daemonset(), UNTAINTED),
])
def test_no_os_targeting_near_misses(obj, prof):
    assert not by_rule(findings(obj, prof), "no-os-targeting")


# --- daemonset-on-windows-nodes ------------------------------------------------------------

def test_daemonset_tolerating_everything_reaches_windows_nodes():
    f = only(findings(daemonset(tolerations=TOLERATE_ALL)), "daemonset-on-windows-nodes")
    assert f.path_str == "spec.template.spec.nodeSelector"
    assert f.severity is Severity.ERROR and f.stage is Stage.SCHEDULING
    assert f.message == ("would run on windows-2022 (windows/amd64 10.0.20348), "
                         "windows-2025 (windows/amd64 10.0.26100) too")
    assert f.fix == "add nodeSelector kubernetes.io/os: linux"


def test_linux_daemonset_says_why_it_is_linux():
    f = only(findings(daemonset(tolerations=TOLERATE_ALL, containers=[ctr(image=LINUX_IMAGE)])), "daemonset-on-windows-nodes")
    assert "although it is meant for Linux (images: registry.k8s.io/pause:3.10-linux-amd64" in f.message


def test_daemonset_in_an_untainted_cluster():
    f = only(findings(daemonset(), UNTAINTED), "daemonset-on-windows-nodes")
    assert f.message == "would run on win22 (windows/amd64 10.0.20348) too"


@pytest.mark.parametrize("obj", [
    daemonset(nodeSelector=LINUX_SELECTOR, tolerations=TOLERATE_ALL),
    daemonset(tolerations=TOLERATE_ALL, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "NotIn", "values": ["windows"]}]}]}}}),
    daemonset(),  # no toleration: the Windows taint keeps it off
    daemonset(windows_spec()),  # a Windows DaemonSet
    deployment(tolerations=TOLERATE_ALL),  # not a DaemonSet (no-os-targeting covers it)
])
def test_daemonset_near_misses(obj):
    assert not by_rule(findings(obj), "daemonset-on-windows-nodes")


# --- windows-toleration-without-selector ----------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_toleration_without_selector(kind):
    obj = KINDS[kind](tolerations=[{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}, WIN_TOLERATION])
    f = only(findings(obj), "windows-toleration-without-selector")
    assert f.path_str == f"{PREFIX[kind]}.tolerations[1]"
    assert f.severity is Severity.WARNING and f.stage is Stage.PRACTICE
    assert f.message == "tolerates windows-2022's taint but nothing selects Windows nodes"


def test_toleration_without_selector_on_a_windows_image_pod():
    found = findings(pod(containers=[ctr(image=WIN_IMAGE)], tolerations=[{"key": "os", "operator": "Exists"}]))
    assert only(found, "windows-toleration-without-selector").path_str == "spec.tolerations[0]"


@pytest.mark.parametrize("obj", [
    pod(windows_spec()),
    pod(nodeSelector={"beta.kubernetes.io/os": "windows"}, tolerations=[WIN_TOLERATION]),
    pod(tolerations=TOLERATE_ALL),  # tolerate-everything is not about Windows
    pod(tolerations=[WIN_TOLERATION], os={"name": "linux"}),  # a Linux pod: other rules speak
    daemonset(tolerations=[WIN_TOLERATION]),
    pod(tolerations=[{"key": "os", "value": "linux", "effect": "NoSchedule"}]),  # does not match the taint
])
def test_toleration_near_misses(obj):
    assert not by_rule(findings(obj), "windows-toleration-without-selector")


# --- no-schedulable-pool -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_windows_pod_without_toleration_fits_no_pool(kind):
    obj = KINDS[kind](windows_spec(tolerations=[]))
    f = only(findings(obj, MIXED), "no-schedulable-pool")
    assert f.path_str == f"{PREFIX[kind]}.nodeSelector"
    assert f.severity is Severity.ERROR and f.stage is Stage.SCHEDULING
    assert f.message == "fits no node pool of the profile (test): win22: TaintToleration (untolerated taint os=windows:NoSchedule)"
    assert f.fix == "add a toleration for os=windows:NoSchedule"


def test_no_schedulable_pool_is_a_warning_with_the_default_profile():
    f = only(findings(pod(windows_spec(tolerations=[]))), "no-schedulable-pool")
    assert f.severity is Severity.WARNING
    assert "(embedded default)" in f.message and "windows-2022: TaintToleration" in f.message


def test_no_schedulable_pool_without_a_selector_points_at_the_pod_spec():
    obj = deployment(containers=[ctr(resources={"requests": {"cpu": "64"}})])
    f = only(findings(obj, MIXED), "no-schedulable-pool")
    assert f.path_str == "spec.template.spec"
    assert "lin: NodeResourcesFit (Insufficient cpu)" in f.message
    assert f.fix == "Match the selector and tolerations to a real pool, or lower the requests."


def test_no_schedulable_pool_for_a_daemonset_only_when_a_toleration_fixes_it():
    f = only(findings(daemonset(windows_spec(tolerations=[])), MIXED), "no-schedulable-pool")
    assert f.path_str == "spec.template.spec.nodeSelector" and f.fix == "add a toleration for os=windows:NoSchedule"
    arm = daemonset(nodeSelector={"kubernetes.io/arch": "arm64"})
    assert not by_rule(findings(arm, MIXED), "no-schedulable-pool")


@pytest.mark.parametrize("obj, prof", [
    (pod(windows_spec()), MIXED),
    (pod(nodeSelector={"agentpool": "gpu"}), None),  # labels the default profile cannot know
    (pod(windows_spec(tolerations=[], nodeName="akswin000001")), MIXED),  # nodeName: the scheduler is bypassed
    (pod(runtimeClassName="windows-2022", nodeSelector=LINUX_SELECTOR), WITH_RCS),  # rejected at admission instead
])
def test_no_schedulable_pool_near_misses(obj, prof):
    assert not by_rule(findings(obj, prof), "no-schedulable-pool")


# --- kubelet-rejects-os --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_os_name_contradicts_the_selector(kind):
    obj = KINDS[kind](os={"name": "windows"}, nodeSelector=LINUX_SELECTOR)
    f = only(findings(obj), "kubelet-rejects-os")
    assert f.path_str == f"{PREFIX[kind]}.os.name"
    assert f.severity is Severity.ERROR and f.stage is Stage.KUBELET
    assert f.message == "refused by the kubelet on linux: PodOSNotSupported: spec.os.name is windows but the node runs linux"


def test_os_name_refused_on_some_pools_is_a_warning():
    f = only(findings(pod(os={"name": "windows"}, tolerations=[WIN_TOLERATION])), "kubelet-rejects-os")
    assert f.severity is Severity.WARNING
    assert f.message == ("refused by the kubelet on linux (1 of the 3 pools it can land on): "
                         "PodOSNotSupported: spec.os.name is windows but the node runs linux")


@pytest.mark.parametrize("kind, path", [("Pod", "metadata.labels"), ("Deployment", "spec.template.metadata.labels"),
                                        ("CronJob", "spec.jobTemplate.spec.template.metadata.labels"),
                                        ("PodTemplate", "template.metadata.labels")])
def test_pod_os_label_contradicts_the_node(kind, path):
    obj = KINDS[kind](unannounced_windows_spec(), labels={"kubernetes.io/os": "linux"})
    f = only(findings(obj), "kubelet-rejects-os")
    assert f.path_str == path
    assert f.severity is Severity.ERROR
    assert f.message == ("refused by the kubelet on windows-2022, windows-2025: PodOSSelectorNodeLabelDoesNotMatch: "
                         "the pod's label kubernetes.io/os=linux does not match the node's windows")


@pytest.mark.parametrize("obj", [
    pod(windows_spec(), labels={"kubernetes.io/os": "windows"}),
    pod(os={"name": "linux"}, labels={"kubernetes.io/os": "linux"}),
    pod(unannounced_windows_spec()),
    pod(os={"name": "windows"}, nodeSelector=WIN_SELECTOR),  # lands nowhere (no toleration): nothing for the kubelet
])
def test_kubelet_near_misses(obj):
    assert not by_rule(findings(obj), "kubelet-rejects-os")


def test_node_name_pod_is_judged_by_the_kubelet_too():
    # nodeName bypasses the scheduler; the kubelet's NodeAffinity check keeps it off Windows
    # nodes, and on Linux nodes the OS field is refused
    f = only(findings(pod(os={"name": "windows"}, nodeSelector=LINUX_SELECTOR, nodeName="node-1")), "kubelet-rejects-os")
    assert f.path_str == "spec.os.name" and f.severity is Severity.ERROR
    # a nodeName pod with the Windows selector cannot run on Linux: nothing to say
    assert not rule_ids(findings(pod(windows_spec(nodeName="akswin000001")))) & FAMILY


# --- runtimeclass-conflict / runtimeclass-missing ------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_runtimeclass_conflict(kind):
    obj = KINDS[kind](runtimeClassName="windows-2022", nodeSelector=LINUX_SELECTOR)
    f = only(findings(obj, WITH_RCS), "runtimeclass-conflict")
    assert f.path_str == f"{PREFIX[kind]}.nodeSelector"
    assert f.severity is Severity.ERROR and f.stage is Stage.ADMISSION
    assert f.message == "RuntimeClass windows-2022 sets nodeSelector kubernetes.io/os=windows but the pod has kubernetes.io/os=linux"


def test_runtimeclass_without_conflict():
    found = findings(pod(runtimeClassName="windows-2022", nodeSelector=WIN_SELECTOR, containers=[ctr(image=WIN_IMAGE)],
                         os={"name": "windows"}), WITH_RCS)
    assert not rule_ids(found) & FAMILY, [(f.rule, f.message) for f in found]


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_runtimeclass_missing_in_a_real_profile(kind):
    f = only(findings(KINDS[kind](runtimeClassName="windows-2019"), WITH_RCS), "runtimeclass-missing")
    assert f.path_str == f"{PREFIX[kind]}.runtimeClassName"
    assert f.severity is Severity.ERROR and f.stage is Stage.ADMISSION
    assert f.message == "RuntimeClass 'windows-2019' is not in the cluster profile (test)"


def test_runtimeclass_missing_is_a_warning_when_the_profile_cannot_know():
    f = only(findings(pod(runtimeClassName="windows-2019")), "runtimeclass-missing")
    assert f.severity is Severity.WARNING and "(embedded default)" in f.message
    f = only(findings(pod(runtimeClassName="windows-2019"), MIXED), "runtimeclass-missing")
    assert f.severity is Severity.WARNING  # a profile without any RuntimeClass


def test_runtimeclass_from_the_same_input_is_known():
    text = """
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: windows-2022}
handler: runhcs-wcow-process
scheduling:
  nodeSelector: {kubernetes.io/os: windows}
  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      os: {name: windows}
      runtimeClassName: windows-2022
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]
"""
    found = findings(text)
    assert not rule_ids(found) & FAMILY, [(f.rule, f.message) for f in found]
    # ...and without the RuntimeClass document the same Deployment is reported
    found = findings(text.split("---", 1)[1])
    assert {f.rule for f in found} >= {"runtimeclass-missing", "windows-pod-can-land-on-linux"}


# --- hyperv-isolation-requested ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "PodTemplate"])
def test_hyperv_runtime_class(kind):
    f = only(findings(KINDS[kind](windows_spec(runtimeClassName="hyperv")), WITH_RCS), "hyperv-isolation-requested")
    assert f.path_str == f"{PREFIX[kind]}.runtimeClassName"
    assert f.severity is Severity.WARNING and f.stage is Stage.RUNTIME
    assert f.message == "RuntimeClass hyperv uses handler runhcs-wcow-hypervisor (Hyper-V isolation)"


@pytest.mark.parametrize("kind, path", [
    ("Pod", "metadata.annotations[experimental.windows.kubernetes.io/isolation-type]"),
    ("Deployment", "spec.template.metadata.annotations[experimental.windows.kubernetes.io/isolation-type]"),
    ("CronJob", "spec.jobTemplate.spec.template.metadata.annotations[experimental.windows.kubernetes.io/isolation-type]"),
])
def test_legacy_hyperv_annotation(kind, path):
    obj = KINDS[kind](windows_spec(), annotations={"experimental.windows.kubernetes.io/isolation-type": "hyperv"})
    f = only(findings(obj), "hyperv-isolation-requested")
    assert f.path_str == path
    assert "has no effect with containerd" in f.message


@pytest.mark.parametrize("obj", [
    pod(windows_spec(runtimeClassName="windows-2022")),
    pod(windows_spec(), annotations={"experimental.windows.kubernetes.io/isolation-type": "process"}),
    pod(windows_spec()),
])
def test_hyperv_near_misses(obj):
    assert not by_rule(findings(obj, WITH_RCS), "hyperv-isolation-requested")


# --- Node objects in the input shape the profile ---------------------------------------------

NODES = """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: lin-1, labels: {kubernetes.io/os: linux, kubernetes.io/arch: amd64, agentpool: sys}}
  status: {nodeInfo: {containerRuntimeVersion: "containerd://2.2.1", kernelVersion: 6.8.0}, allocatable: {cpu: "4", memory: 16Gi}}
- apiVersion: v1
  kind: Node
  metadata: {name: win-1, labels: {kubernetes.io/os: windows, kubernetes.io/arch: amd64, agentpool: win,
             node.kubernetes.io/windows-build: 10.0.20348}}
  status: {nodeInfo: {containerRuntimeVersion: "containerd://2.2.1", kernelVersion: 10.0.20348.2113}, allocatable: {cpu: "4", memory: 16Gi}}
"""


def test_untainted_windows_nodes_from_the_input():
    text = NODES + """---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: web, image: "registry.k8s.io/pause:3.10-linux-amd64"}]
"""
    f = only(findings(text), "linux-pod-can-land-on-windows")
    assert "can be scheduled onto win (windows/amd64 10.0.20348)" in f.message


# --- the real-linux corpus -------------------------------------------------------------------

def corpus_dir() -> Path:
    override = os.environ.get("WINKUBE_SHARED_DIR")
    base = Path(override) if override else Path(__file__).resolve().parents[3] / "shared"
    path = base / "corpus" / "real-linux"
    assert path.is_dir(), f"corpus missing: {path}"
    return path


OUR_FAMILIES = (".rules.scheduling.", ".rules.semantics.", ".rules.images.")


def test_real_linux_manifests_only_flag_daemonsets_that_tolerate_every_taint():
    ours = {r.id for r in all_rules().values() if any(f in r.module for f in OUR_FAMILIES)}
    got = set()
    for path in sorted(corpus_dir().iterdir()):
        if path.suffix == ".tsv" or not path.is_file():
            continue
        engine = Engine(Options(profile=default_profile(), locate=False))
        result = engine.lint_sources([Source(str(path), path.read_text(encoding="utf-8"), False)])
        for f in result.findings:
            if f.rule in ours:
                got.add((path.name, f.rule, f.path_str))
    assert got == {
        # Linux DaemonSets with `operator: Exists` tolerations and no OS selector: true positives
        ("Azure__AKS__examples__cgroups__revert-cgroup-v1.yaml", "daemonset-on-windows-nodes", "spec.template.spec.nodeSelector"),
        ("Azure__AKS__examples__kubelet__kubelet-parameters-ds.yaml", "daemonset-on-windows-nodes", "spec.template.spec.nodeSelector"),
        # an envsubst template: its literal selector `kubernetes.io/os: linux${TOLERATIONS}` matches no node
        ("kubernetes-sigs__windows-gmsa__admission-webhook__deploy__gmsa-webhook.yml.tpl", "no-schedulable-pool",
         "spec.template.spec.nodeSelector"),
    }


# --- every workload kind ---------------------------------------------------------------------

def _nested(kind: str, spec: dict) -> dict:
    from winkube.model.podview import POD_SPEC_PATHS

    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}}
    cur = obj
    path = POD_SPEC_PATHS[kind]
    for seg in path[:-1]:
        cur = cur.setdefault(seg, {})
    cur[path[-1]] = spec
    return obj


@pytest.mark.parametrize("kind, prefix", [
    ("Pod", "spec"), ("Deployment", "spec.template.spec"), ("ReplicaSet", "spec.template.spec"),
    ("StatefulSet", "spec.template.spec"), ("DaemonSet", "spec.template.spec"), ("Job", "spec.template.spec"),
    ("ReplicationController", "spec.template.spec"), ("CronJob", "spec.jobTemplate.spec.template.spec"),
    ("PodTemplate", "template.spec"),
])
def test_every_workload_kind_reports_at_its_pod_spec_path(kind, prefix):
    f = only(findings(_nested(kind, {"containers": [ctr(image=WIN_IMAGE)], "tolerations": [WIN_TOLERATION]})),
             "windows-pod-can-land-on-linux")
    assert f.path_str == f"{prefix}.nodeSelector"
    assert not by_rule(findings(_nested(kind, windows_spec())), "windows-pod-can-land-on-linux")
