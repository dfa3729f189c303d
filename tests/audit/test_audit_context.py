"""Context decides between causes, against the real kube-apiserver: pods whose failure messages
read alike (or read wrong) are told apart by their spec, their images and their node — in
`winkube audit` and in `winkube explain --pod NS/NAME`."""
from __future__ import annotations

import contextlib
import io
import json

import pytest

from winkube.cli import main

from scenario import WIN_TAINT, _create, _event, _set_status

NS = "winkube-ctx"
IMG_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019"
IMG_2022 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
TOLERATE = [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]

# messages as users pasted them (tests/data/failure_messages.yaml and the threads named there)
MISMATCH = "The container operating system does not match the host operating system."
LOGON = 'Error: failed to start containerd task "logstash": hcs::System::CreateProcess logstash: The user name or password is incorrect.: unknown'
NO_PLATFORM = ('Failed to pull image "nginx:1.27": rpc error: code = NotFound desc = failed to pull and unpack image '
               '"docker.io/library/nginx:1.27": no match for platform in manifest: not found')
VOLUME_D = ("Error: failed to create containerd container: rootpath on mountPath C:\\Windows\\TEMP\\ctd-volume1950337969\\139, "
            "volume D:: CreateFile C:\\Windows\\TEMP\\ctd-volume1950337969\\139\\D:: The filename, directory name, or volume label syntax is incorrect.")
ATTACH = ("Error: failed to create containerd task: hcsshim::CreateComputeSystem windows-server-iis: "
          "The requested operation for attach namespace failed.")


def _pod(kube, name: str, node: str, image: str, **spec) -> dict:
    return _create(kube, f"/api/v1/namespaces/{NS}/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"nodeName": node, "tolerations": TOLERATE, "containers": [{"name": "c", "image": image}], **spec}})


def _waiting(kube, pod: dict, reason: str, message: str, image: str) -> None:
    _set_status(kube, pod, {"phase": "Pending", "containerStatuses": [{
        "name": "c", "image": image, "imageID": "", "ready": False, "restartCount": 3,
        "state": {"waiting": {"reason": reason, "message": message}}, "lastState": {}}]})


@pytest.fixture(scope="module")
def cluster(kube, register_node, namespace, control_plane):
    namespace(NS)
    existing = {n["metadata"]["name"] for n in kube.get("/api/v1/nodes").json()["items"]}
    if "ctx-win2019-a" not in existing:
        register_node("ctx-win2019-a", os_name="windows", taints=WIN_TAINT,
                      labels={"node.kubernetes.io/windows-build": "10.0.17763"},
                      node_info={"kernelVersion": "10.0.17763.6414", "osImage": "Windows Server 2019 Datacenter",
                                 "containerRuntimeVersion": "containerd://1.7.20"})
    node = "ctx-win2019-a"
    # a Linux chart (runAsUser 1000, no OS selector) that landed on the Windows node
    p = _pod(kube, "logstash-0", node, "docker.elastic.co/logstash/logstash:8.15.0", securityContext={"runAsUser": 1000})
    _waiting(kube, p, "RunContainerError", LOGON, "docker.elastic.co/logstash/logstash:8.15.0")
    # "does not match the host": the app image matches the 2019 node, so it is the pause image …
    p = _pod(kube, "iis-2019", node, IMG_2019, os={"name": "windows"})
    _waiting(kube, p, "CreateContainerError", MISMATCH, IMG_2019)
    # … and here the app image is ltsc2022 on the 2019 node: the app image
    p = _pod(kube, "iis-2022", node, IMG_2022, os={"name": "windows"})
    _waiting(kube, p, "CreateContainerError", MISMATCH, IMG_2022)
    # a Linux image pulled on the Windows node
    p = _pod(kube, "nginx", node, "nginx:1.27")
    _waiting(kube, p, "ErrImagePull", NO_PLATFORM, "nginx:1.27")
    # an image with VOLUME ["D:"], and a Calico node whose endpoint attach fails
    p = _pod(kube, "volume-d", node, IMG_2019, os={"name": "windows"})
    _waiting(kube, p, "CreateContainerError", VOLUME_D, IMG_2019)
    p = _pod(kube, "calico-web", node, IMG_2019, os={"name": "windows"})
    _event(kube, p, "Failed", ATTACH, node, count=5)
    # a container that keeps exiting with 0xC0000135 (int32, as the kubelet reports it)
    p = _pod(kube, "crashy", node, IMG_2019, os={"name": "windows"})
    _set_status(kube, p, {"phase": "Running", "containerStatuses": [{
        "name": "c", "image": IMG_2019, "imageID": "", "ready": False, "restartCount": 9,
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
        "lastState": {"terminated": {"reason": "Error", "exitCode": -1073741515}}}]})
    return control_plane


@pytest.fixture(scope="module")
def report(cluster):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS, "-o", "json"])
    assert code == 1
    return json.loads(buf.getvalue())


def _by_pod(report: dict) -> dict[str, dict]:
    return {g["workload"]["name"]: g for g in report["failures"]}


def test_audit_uses_the_pod_and_node_to_choose(report):
    got = _by_pod(report)
    assert got["logstash-0"]["id"] == "E202" and got["logstash-0"]["confidence"] == "high"
    assert any("runAsUser" in w for w in got["logstash-0"]["decidedBy"]), got["logstash-0"]["decidedBy"]
    assert got["iis-2019"]["id"] == "E71"  # pause image: the app image matches the node's build
    assert any("matches node build 17763" in w for w in got["iis-2019"]["decidedBy"])
    assert got["iis-2022"]["id"] == "E2" and got["iis-2022"]["confidence"] == "high"  # the app image is for 20348
    assert got["nginx"]["id"] == "E4"
    assert got["volume-d"]["id"] == "E55"  # the image's VOLUME ["D:"], not a bad hostPath (E40)
    assert got["calico-web"]["id"] == "E36" and got["calico-web"]["count"] == 5  # attach namespace: CNI, not a build mismatch


def test_audit_decodes_windows_exit_codes(report):
    g = _by_pod(report)["crashy"]
    assert g["id"] == "E230" and g["where"] == "containerStatuses[c].lastState.terminated"
    assert g["codes"] == ["0xC0000135 STATUS_DLL_NOT_FOUND"] and g["confidence"] == "high"


def test_the_same_words_without_context_are_not_stated_surely():
    from winkube.failures import diagnose
    for text in (MISMATCH, LOGON, NO_PLATFORM):
        assert diagnose(text).confidence != "high", text


def test_explain_pod_live_text_and_json(cluster, capsys):
    kc = str(cluster.kubeconfig)
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/logstash-0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("context: pod winkube-ctx/logstash-0") and "node ctx-win2019-a: windows build 17763" in out
    assert "E202  runAsUser set on a pod that landed on a Windows node" in out and "confidence: high" in out
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/iis-2019", "-o", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["context"]["nodeBuild"] == 17763 and r["context"]["images"][0]["builds"] == [17763]
    (f,) = r["failures"]
    assert f["candidates"][0]["id"] == "E71" and f["where"] == "containerStatuses[c].state.waiting"
    # a pasted message, judged with the pod as context
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/iis-2022", MISMATCH]) == 0
    assert "E2  " in capsys.readouterr().out


def test_explain_pod_errors_are_clear(cluster, capsys):
    kc = str(cluster.kubeconfig)
    assert main(["explain", "--kubeconfig", kc, "--pod", f"{NS}/no-such-pod"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("winkube: error:") and "no-such-pod" in err and "Traceback" not in err
    assert main(["explain", "--kubeconfig", kc, "--pod", "just-a-name"]) == 2
    assert "NAMESPACE/NAME" in capsys.readouterr().err
