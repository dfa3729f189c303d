"""The harness itself: a real kube-apiserver answers, Nodes can be registered by hand, and the
scheduler binds pods to them."""

from __future__ import annotations

import time

import httpx


def test_version_matches_the_pinned_release(kube: httpx.Client, kube_version: str):
    r = kube.get("/version")
    assert r.status_code == 200, r.text
    assert r.json()["gitVersion"] == kube_version


def test_ready_and_authenticated(control_plane, kube: httpx.Client):
    assert kube.get("/readyz").status_code == 200
    # token auth + RBAC are really on: an unknown token is rejected, the admin is system:masters
    with control_plane.client(token="not-a-valid-token") as anon:
        assert anon.get("/api/v1/namespaces").status_code == 401
    review = kube.post(
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        json={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
    )
    assert review.status_code == 201, review.text
    assert "system:masters" in review.json()["status"]["userInfo"]["groups"]
    # the kubeconfig written for other tools points at this server and CA
    text = control_plane.kubeconfig.read_text()
    assert control_plane.url in text and str(control_plane.pki.ca_cert) in text


def test_privileged_pods_are_allowed(kube: httpx.Client, namespace):
    """--allow-privileged=true is what the differential tests assume (hostProcess, privileged)."""
    ns = namespace("harness-priv")
    pod = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "priv"},
        "spec": {"containers": [{"name": "c", "image": "busybox", "securityContext": {"privileged": True}}]},
    }
    r = kube.post(f"/api/v1/namespaces/{ns}/pods", params={"dryRun": "All"}, json=pod)
    assert r.status_code == 201, r.text


def test_registered_node_is_ready(kube: httpx.Client, register_node):
    register_node("harness-win-1", os_name="windows")
    node = kube.get("/api/v1/nodes/harness-win-1").json()
    ready = [c for c in node["status"]["conditions"] if c["type"] == "Ready"]
    assert ready and ready[0]["status"] == "True"
    assert node["metadata"]["labels"]["kubernetes.io/os"] == "windows"
    assert node["status"]["nodeInfo"]["operatingSystem"] == "windows"
    assert node["status"]["allocatable"]["pods"] == "110"
    assert not node["spec"].get("taints"), "nothing should taint a hand-registered node"


def test_scheduler_binds_pod_to_registered_node(kube: httpx.Client, kube_scheduler, register_node, namespace):
    ns = namespace("harness-sched")
    register_node("harness-linux-1", os_name="linux")
    register_node("harness-win-2", os_name="windows")
    pod = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "to-windows"},
        "spec": {
            "os": {"name": "windows"},
            "nodeSelector": {"kubernetes.io/os": "windows", "kubernetes.io/hostname": "harness-win-2"},
            "containers": [{"name": "c", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022"}],
        },
    }
    r = kube.post(f"/api/v1/namespaces/{ns}/pods", json=pod)
    assert r.status_code == 201, r.text
    deadline = time.monotonic() + 60
    node_name = None
    while time.monotonic() < deadline:
        node_name = kube.get(f"/api/v1/namespaces/{ns}/pods/to-windows").json()["spec"].get("nodeName")
        if node_name:
            break
        time.sleep(0.2)
    assert node_name == "harness-win-2", f"pod not bound within 60s (nodeName={node_name!r}); see kube-scheduler.log"
    cond = kube.get(f"/api/v1/namespaces/{ns}/pods/to-windows").json()["status"].get("conditions", [])
    assert any(c["type"] == "PodScheduled" and c["status"] == "True" for c in cond)
