"""Windows exit codes in pod statuses, against the real kube-apiserver: `winkube audit` names the
Windows status a terminated container ended with (current or last state, app or init container,
as the int32 the kubelet reports) and says what it means; an ordinary exit code says nothing."""
from __future__ import annotations

import contextlib
import io
import json

import pytest

from winkube.cli import main

from scenario import WIN_TAINT, _create, _set_status

NS = "winkube-exit"
IMAGE = "mcr.microsoft.com/windows/servercore:ltsc2022"
TOLERATE = [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]


def _pod(kube, name: str, node: str, status: dict, init: bool = False) -> None:
    spec = {"nodeName": node, "os": {"name": "windows"}, "tolerations": TOLERATE, "containers": [{"name": "c", "image": IMAGE}]}
    if init:
        spec["initContainers"] = [{"name": "setup", "image": IMAGE}]
    p = _create(kube, f"/api/v1/namespaces/{NS}/pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})
    _set_status(kube, p, status)


def _cs(name: str, state: dict, last: dict | None = None, ready: bool = False) -> dict:
    return {"name": name, "image": IMAGE, "imageID": "", "ready": ready, "restartCount": 4, "state": state, "lastState": last or {}}


def _terminated(code: int) -> dict:
    return {"terminated": {"reason": "Error", "exitCode": code}}


@pytest.fixture(scope="module")
def cluster(kube, register_node, namespace, control_plane):
    namespace(NS)
    node = "exit-win2022-a"
    if node not in {n["metadata"]["name"] for n in kube.get("/api/v1/nodes").json()["items"]}:
        register_node(node, os_name="windows", taints=WIN_TAINT, labels={"node.kubernetes.io/windows-build": "10.0.20348"})
    # the current state: a heap corruption (0xC0000374), which has no entry of its own (E239 names it)
    _pod(kube, "heap", node, {"phase": "Failed", "containerStatuses": [_cs("c", _terminated(-1073740940))]})
    # running again, and ready; the last run was ended from outside (DBG_TERMINATE_PROCESS, a positive int32)
    _pod(kube, "stopped", node, {"phase": "Running", "containerStatuses": [
        _cs("c", {"running": {"startedAt": "2026-12-01T08:00:00Z"}}, _terminated(1073807364), ready=True)]})
    # an init container whose DLL failed to initialise (0xC0000142)
    _pod(kube, "init-dll", node, {"phase": "Pending", "initContainerStatuses": [_cs("setup", _terminated(-1073741502))],
                                  "containerStatuses": [_cs("c", {"waiting": {"reason": "PodInitializing"}})]}, init=True)
    # an application's own exit code: nothing Windows to decode
    _pod(kube, "plain", node, {"phase": "Failed", "containerStatuses": [_cs("c", _terminated(1))]})
    return control_plane


def _audit(cluster, fmt: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS, "-o", fmt])
    assert code == 1, buf.getvalue()[-2000:]
    return buf.getvalue()


def test_audit_names_and_explains_windows_exit_codes(cluster):
    got = {g["workload"]["name"]: g for g in json.loads(_audit(cluster, "json"))["failures"]}
    assert "plain" not in got
    heap, stopped, init = got["heap"], got["stopped"], got["init-dll"]
    assert (heap["id"], heap["where"]) == ("E239", "containerStatuses[c].state.terminated")
    assert heap["codes"] == ["0xC0000374 STATUS_HEAP_CORRUPTION"] and heap["codeMeanings"] == ["A heap has been corrupted."]
    assert (stopped["id"], stopped["where"]) == ("E234", "containerStatuses[c].lastState.terminated")
    assert stopped["codes"] == ["0x40010004 DBG_TERMINATE_PROCESS"] and "stopped from outside" in stopped["codeMeanings"][0]
    assert (init["id"], init["where"]) == ("E235", "initContainerStatuses[setup].state.terminated")
    assert init["codes"] == ["0xC0000142 STATUS_DLL_INIT_FAILED"] and "DLL failed to initialise" in init["codeMeanings"][0]
    assert all(g["stage"] == "runtime" for g in (heap, stopped, init))


def test_audit_text_spells_out_the_meaning(cluster):
    out = _audit(cluster, "text")
    assert "code: 0xC0000374 STATUS_HEAP_CORRUPTION — A heap has been corrupted." in out
    assert "exit code -1073740940" in out and "3 failure(s) happening now" in out  # heap, stopped, init-dll; not plain


def test_the_api_stores_exit_codes_as_int32_so_audit_sees_the_negative_form(cluster, kube):
    # 0xC0000135 written unsigned does not fit ContainerStateTerminated.exitCode (int32): the real server refuses
    # it, which is why the kubelet's -1073741515 is what a live cluster (or its dump) shows
    r = kube.patch(f"/api/v1/namespaces/{NS}/pods/heap/status", headers={"Content-Type": "application/merge-patch+json"},
                   json={"status": {"containerStatuses": [_cs("c", _terminated(3221225781))]}})
    assert r.status_code in (400, 422), r.text
    # a hand-made dump may still carry the unsigned form: it is decoded the same way
    from winkube.failures import diagnose
    from winkube.failures.statuses import pod_messages
    ((where, reason, message),) = list(pod_messages({"status": {"containerStatuses": [_cs("c", _terminated(3221225781))]}}))
    d = diagnose(f"{reason}: {message}")
    assert where == "containerStatuses[c].state.terminated" and d.top.entry.id == "E230"
    assert [c.name for c in d.codes] == ["STATUS_DLL_NOT_FOUND"]
