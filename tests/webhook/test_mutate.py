"""The mutating plan: minimal add-only JSONPatch, idempotent, never rejected by the API server
(proven here with the admission replica; test_e2e.py creates such pods for real)."""
from __future__ import annotations

import copy
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winkube.model.profile import default_profile, profile_from_dict
from winkube.webhook.mutate import apply_patch, plan
from winkube.webhook.policy import Policy
from winkube.webhook.state import Knowledge

from .whkit import LINUX_IMAGE, PLAIN_IMAGE, WIN2019_IMAGE, WIN_IMAGE, pod

WIN_TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}
TAINT = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]


def k(profile=None, policy=None) -> Knowledge:
    if profile is None:
        profile = default_profile()
        profile.assumed = False
    return Knowledge(policy or Policy(), profile)


def mutate(p, kn=None):
    kn = kn or k()
    return plan(p, kn.profile, kn.policy, kn.admission_engine)


def test_windows_image_pod_gets_os_selector_and_toleration():
    out = mutate(pod())
    assert out.ops == [
        {"op": "add", "path": "/spec/os", "value": {"name": "windows"}},
        {"op": "add", "path": "/spec/nodeSelector", "value": {"kubernetes.io/os": "windows"}},
        {"op": "add", "path": "/spec/tolerations", "value": [WIN_TOL]},
    ]


def test_existing_maps_and_lists_are_extended_not_replaced():
    p = pod(nodeSelector={"team/a": "x"}, tolerations=[{"key": "k", "operator": "Exists"}], os={})
    out = mutate(p)
    assert out.ops == [
        {"op": "add", "path": "/spec/os/name", "value": "windows"},
        {"op": "add", "path": "/spec/nodeSelector/kubernetes.io~1os", "value": "windows"},
        {"op": "add", "path": "/spec/tolerations/-", "value": WIN_TOL},
    ]


def test_windows_build_is_selected_when_only_some_pools_run_the_image():
    prof = profile_from_dict({"nodePools": [
        {"name": "lin", "os": "linux"},
        {"name": "w19", "os": "windows", "windowsBuild": "10.0.17763", "taints": TAINT, "containerRuntime": "containerd://1.7.20"},
        {"name": "w22", "os": "windows", "windowsBuild": "10.0.20348", "taints": TAINT, "containerRuntime": "containerd://1.7.20"},
    ]}, "p.yaml")
    out = mutate(pod(image=WIN2019_IMAGE), k(prof))
    assert {"op": "add", "path": "/spec/nodeSelector", "value": {"kubernetes.io/os": "windows",
                                                                   "node.kubernetes.io/windows-build": "10.0.17763"}} in out.ops


def test_a_matching_runtime_class_is_preferred():
    prof = profile_from_dict({"nodePools": [
        {"name": "lin", "os": "linux"},
        {"name": "w19", "os": "windows", "windowsBuild": "10.0.17763", "taints": TAINT, "containerRuntime": "containerd://1.7.20"},
        {"name": "w22", "os": "windows", "windowsBuild": "10.0.20348", "taints": TAINT, "containerRuntime": "containerd://1.7.20"},
    ], "runtimeClasses": [
        {"name": "windows-2019", "handler": "runhcs-wcow-process",
         "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.17763"},
                        "tolerations": [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]}},
    ]}, "p.yaml")
    out = mutate(pod(image=WIN2019_IMAGE), k(prof))
    paths = [o["path"] for o in out.ops]
    assert "/spec/runtimeClassName" in paths
    assert {"op": "add", "path": "/spec/runtimeClassName", "value": "windows-2019"} in out.ops
    patched = apply_patch(pod(image=WIN2019_IMAGE), out.ops)
    assert patched["spec"]["nodeSelector"]["node.kubernetes.io/windows-build"] == "10.0.17763"
    assert WIN_TOL in patched["spec"]["tolerations"]


def test_linux_only_images_get_a_linux_selector_and_nothing_else():
    assert mutate(pod(image=LINUX_IMAGE)).ops == [{"op": "add", "path": "/spec/nodeSelector", "value": {"kubernetes.io/os": "linux"}}]
    assert mutate(pod(image=LINUX_IMAGE, nodeSelector={"kubernetes.io/os": "linux"})).ops == []
    assert mutate(pod(image=PLAIN_IMAGE)).ops == []
    assert mutate(pod(image=LINUX_IMAGE), k(policy=Policy(mutate_linux=False))).ops == []


def test_os_name_is_dropped_when_the_api_server_would_reject_it():
    out = mutate(pod(securityContext={"seLinuxOptions": {"level": "s0"}}))
    assert [o["path"] for o in out.ops] == ["/spec/nodeSelector", "/spec/tolerations"]
    assert out.skipped and "spec.os.name: windows was not set" in out.skipped[0]
    assert "spec.securityContext.seLinuxOptions" in out.skipped[0]


def test_contradicting_intent_is_never_overridden():
    # spec.os.name says linux, the image says Windows: the pod is meant for Linux (strongest evidence)
    assert mutate(pod(os={"name": "linux"})).ops == []
    # a Windows selector with a Linux label on the pod: only what is missing is added, nothing changed
    p = pod(nodeSelector={"kubernetes.io/os": "windows"})
    assert all(o["op"] == "add" and o["path"] != "/spec/nodeSelector" for o in mutate(p).ops)


# --- properties over generated pods -----------------------------------------------------------

IMAGES = st.sampled_from([WIN_IMAGE, WIN2019_IMAGE, LINUX_IMAGE, PLAIN_IMAGE, "mcr.microsoft.com/windows/nanoserver:ltsc2025"])
SELECTORS = st.dictionaries(st.sampled_from(["kubernetes.io/os", "team", "node.kubernetes.io/windows-build"]),
                            st.sampled_from(["windows", "linux", "10.0.20348", "a"]), max_size=2)
TOLS = st.lists(st.sampled_from([WIN_TOL, {"key": "x", "operator": "Exists"}, {"operator": "Exists"}]), max_size=2)
SEC = st.sampled_from([None, {}, {"runAsUser": 1}, {"windowsOptions": {"runAsUserName": "ContainerUser"}},
                       {"seccompProfile": {"type": "RuntimeDefault"}}])
OS = st.sampled_from([None, {}, {"name": "windows"}, {"name": "linux"}])


@st.composite
def pods(draw):
    spec = {"containers": [{"name": f"c{i}", "image": draw(IMAGES)} for i in range(draw(st.integers(1, 2)))]}
    for key, strat in (("nodeSelector", SELECTORS), ("tolerations", TOLS), ("securityContext", SEC), ("os", OS)):
        v = draw(strat)
        if v is not None and draw(st.booleans()):
            spec[key] = v
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "g"}, "spec": spec}


KN = k()
EXAMPLES = int(os.environ.get("WINKUBE_WEBHOOK_MUTATE_EXAMPLES", "400"))
COUNT = {"n": 0}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(pods())
def test_patch_is_add_only_idempotent_and_admissible(p):
    COUNT["n"] += 1
    original = copy.deepcopy(p)
    out = mutate(p, KN)
    assert p == original  # the input is never modified
    assert all(o["op"] == "add" for o in out.ops)
    patched = apply_patch(p, out.ops)
    # nothing the user wrote is removed or changed
    for key, value in original["spec"].items():
        if isinstance(value, dict):
            assert all(patched["spec"][key].get(k2) == v2 for k2, v2 in value.items())
        elif isinstance(value, list):
            assert patched["spec"][key][: len(value)] == value
        else:
            assert patched["spec"][key] == value
    # reinvocation adds nothing more
    assert mutate(patched, KN).ops == []
    # the API server's OS-dependent validation (the admission replica) finds nothing new
    before = {(f.rule, f.path) for f in KN.admission_engine.check_object(p, None, [])}
    after = {(f.rule, f.path) for f in KN.admission_engine.check_object(patched, None, [])}
    assert after <= before


def test_property_volume():
    assert COUNT["n"] >= min(EXAMPLES, 100), COUNT  # hypothesis ran the examples it was asked for
