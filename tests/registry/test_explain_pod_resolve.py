"""`winkube explain --pod … --resolve-images` against the real kube-apiserver and the real registry:
a Linux-only image on a Windows node is stated surely once the registry says it has no Windows
entry (tag conventions alone cannot tell)."""
from __future__ import annotations

import json

from winkube.cli import main

NS = "winkube-explain-resolve"


def test_registry_platforms_decide(env, tmp_path, kube, register_node, namespace, control_plane, capsys, monkeypatch):
    # XDG_CACHE_HOME: the registry client's disk cache goes to this test's directory (no real part
    # decides where a cache lives)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    env.plain_pusher.index("lin/app", "1", [{"os": "linux", "architecture": "amd64"}, {"os": "linux", "architecture": "arm64"}])
    ref = f"{env.plain.host}/lin/app:1"
    namespace(NS)
    if kube.get("/api/v1/nodes/explain-win2022").status_code == 404:
        register_node("explain-win2022", os_name="windows", labels={"node.kubernetes.io/windows-build": "10.0.20348"},
                      taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "lin"},
           "spec": {"nodeName": "explain-win2022", "containers": [{"name": "c", "image": ref}]}}
    r = kube.post(f"/api/v1/namespaces/{NS}/pods", json=pod)
    assert r.status_code in (201, 409), r.text
    msg = (f'Failed to pull image "{ref}": rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
           "no match for platform in manifest: not found")
    kube.patch(f"/api/v1/namespaces/{NS}/pods/lin/status", headers={"Content-Type": "application/merge-patch+json"},
               json={"status": {"phase": "Pending", "containerStatuses": [{
                   "name": "c", "image": ref, "imageID": "", "ready": False, "restartCount": 0,
                   "state": {"waiting": {"reason": "ErrImagePull", "message": msg}}, "lastState": {}}]}}).raise_for_status()
    kc = str(control_plane.kubeconfig)
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/lin", "-o", "json"]) == 0
    without = json.loads(capsys.readouterr().out)["failures"][0]
    assert without["candidates"][0]["id"] == "E4" and without["confidence"] == "medium"
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/lin", "-o", "json", "--resolve-images",
                 "--insecure-registry", env.plain.host]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["context"]["images"] == [{"ref": ref, "os": "linux", "builds": [], "evidence": "registry: linux/amd64, linux/arm64"}]
    f = r["failures"][0]
    assert f["candidates"][0]["id"] == "E4" and f["confidence"] == "high"
    assert any("is linux (registry" in w for w in f["candidates"][0]["decidedBy"])
