"""A small but realistic mixed cluster on the real kube-apiserver: Windows Server 2019, 2022 and 2025
pools and a Linux pool (nodeInfo as real kubelets report it), a RuntimeClass, workloads of every
kind, pods with failure statuses (set through pods/status) and Events."""
from __future__ import annotations

import time

import httpx

NS = "winkube-audit"
WIN_TAINT = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]

NODES = {
    # name: (os, pool label, windows-build label, nodeInfo overrides)
    "audit-win2019-a": ("windows", "audit-win2019", "10.0.17763", {
        "kernelVersion": "10.0.17763.1397", "osImage": "Windows Server 2019 Datacenter",
        "containerRuntimeVersion": "containerd://1.6.14", "kubeletVersion": "v1.37.2"}),
    "audit-win2019-b": ("windows", "audit-win2019", "10.0.17763", {
        "kernelVersion": "10.0.17763.1397", "osImage": "Windows Server 2019 Datacenter",
        "containerRuntimeVersion": "containerd://1.6.14", "kubeletVersion": "v1.37.2"}),
    "audit-win2022-a": ("windows", "audit-win2022", "10.0.20348", {
        "kernelVersion": "10.0.20348.2113", "osImage": "Windows Server 2022 Datacenter",
        "containerRuntimeVersion": "containerd://1.7.20", "kubeletVersion": "v1.37.2"}),
    "audit-win2025-a": ("windows", "audit-win2025", "10.0.26100", {
        "kernelVersion": "10.0.26100.6899", "osImage": "Windows Server 2025 Datacenter",
        "containerRuntimeVersion": "containerd://2.2.1", "kubeletVersion": "v1.37.2"}),
    "audit-linux-a": ("linux", "audit-linux", None, {
        "kernelVersion": "6.1.0-28-cloud-amd64", "osImage": "Debian GNU/Linux 12 (bookworm)",
        "containerRuntimeVersion": "containerd://2.2.1", "kubeletVersion": "v1.37.2"}),
}

IMG_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019"
IMG_2022 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
WIN_SCHED = {"nodeSelector": {"kubernetes.io/os": "windows"},
             "tolerations": [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]}

E2_TEXT = ("failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem web: "
           "The container operating system does not match the host operating system.: unknown")
E10_TEXT = ('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod '
            '"{pod}": hcsshim::CreateComputeSystem 9f2: The container operating system does not match the host operating system.')
E16_TEXT = "Pod was rejected: Failed to admit pod as the OS field doesn't match node OS"
E34_TEXT = ('Error: failed to start containerd task "app": hcs::System::CreateProcess app: '
            "The system cannot find the file specified.: unknown")


def _ok(r: httpx.Response, *codes) -> dict:
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


def _create(kube: httpx.Client, path: str, obj: dict) -> dict:
    r = kube.post(path, json=obj)
    if r.status_code == 409:
        name = obj["metadata"]["name"]
        return _ok(kube.get(f"{path}/{name}"))
    return _ok(r)


def _tpl(labels: dict, spec: dict) -> dict:
    return {"metadata": {"labels": labels}, "spec": spec}


def _container(name: str, image: str, **extra) -> dict:
    return {"name": name, "image": image, **extra}


def build(kube: httpx.Client, register_node, namespace) -> dict:
    """Create everything (idempotent within a session); returns names the tests refer to."""
    namespace(NS)
    existing = {n["metadata"]["name"] for n in kube.get("/api/v1/nodes").json()["items"]}
    for name, (os_name, pool, build_label, info) in NODES.items():
        if name in existing:
            continue
        labels = {"agentpool": pool, "node.kubernetes.io/instance-type": "Standard_D4s_v5",
                  "topology.kubernetes.io/zone": "westeurope-1"}
        if build_label:
            labels["node.kubernetes.io/windows-build"] = build_label
        register_node(name, os_name=os_name, labels=labels, taints=WIN_TAINT if os_name == "windows" else None,
                      capacity={"cpu": "4", "memory": "16Gi", "pods": "110" if os_name == "linux" else "30"},
                      node_info=info)

    _create(kube, "/apis/node.k8s.io/v1/runtimeclasses", {
        "apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "audit-windows-2019"},
        "handler": "runhcs-wcow-process",
        "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64",
                                        "node.kubernetes.io/windows-build": "10.0.17763"},
                       "tolerations": WIN_SCHED["tolerations"]}})

    apps, batch, core = f"/apis/apps/v1/namespaces/{NS}", f"/apis/batch/v1/namespaces/{NS}", f"/api/v1/namespaces/{NS}"
    # a well-targeted Windows 2019 workload through the RuntimeClass
    _create(kube, f"{apps}/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "iis-2019"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "iis-2019"}},
                 "template": _tpl({"app": "iis-2019"}, {"runtimeClassName": "audit-windows-2019", "os": {"name": "windows"},
                                                         "containers": [_container("iis", IMG_2019)]})}})
    # ltsc2019 image on every Windows pool: fails on 2022 and 2025 (process isolation)
    web = _create(kube, f"{apps}/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": _tpl({"app": "web"}, {**WIN_SCHED, "os": {"name": "windows"},
                                                    "containers": [_container("web", IMG_2019)]})}})
    # its ReplicaSet and pods, as the controllers would have made them
    rs = _create(kube, f"{apps}/replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "web-5d8f7c9b6", "labels": {"app": "web"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                          "uid": web["metadata"]["uid"], "controller": True}]},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": _tpl({"app": "web"}, {**WIN_SCHED, "os": {"name": "windows"},
                                                    "containers": [_container("web", IMG_2019)]})}})
    rs_owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs["metadata"]["name"],
                 "uid": rs["metadata"]["uid"], "controller": True}]
    for i, node in enumerate(["audit-win2022-a", "audit-win2022-a", "audit-win2019-a"]):
        pod = _create(kube, f"{core}/pods", {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"web-5d8f7c9b6-{i}", "labels": {"app": "web"}, "ownerReferences": rs_owner},
            "spec": {**WIN_SCHED, "os": {"name": "windows"}, "nodeName": node, "containers": [_container("web", IMG_2019)]}})
        if node == "audit-win2022-a":
            _set_status(kube, pod, {"phase": "Pending", "containerStatuses": [{
                "name": "web", "image": IMG_2019, "imageID": "", "ready": False, "restartCount": 4,
                "state": {"waiting": {"reason": "CreateContainerError", "message": E2_TEXT}},
                "lastState": {}}]})
    # Linux DaemonSet without an OS selector that tolerates everything: lands on Windows nodes too
    _create(kube, f"{apps}/daemonsets", {
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "log-agent"},
        "spec": {"selector": {"matchLabels": {"app": "log-agent"}},
                 "template": _tpl({"app": "log-agent"}, {"tolerations": [{"operator": "Exists"}],
                                                          "containers": [_container("agent", "fluent/fluent-bit:3.1")]})}})
    # StatefulSet with a Linux command in a Windows image; its pod has an Event (E34)
    sts = _create(kube, f"{apps}/statefulsets", {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": {"app": "db"}},
                 "template": _tpl({"app": "db"}, {**WIN_SCHED, "os": {"name": "windows"},
                                                   "nodeSelector": {"kubernetes.io/os": "windows",
                                                                    "node.kubernetes.io/windows-build": "10.0.20348"},
                                                   "containers": [_container("app", IMG_2022, command=["/bin/sh", "-c", "run"])]})}})
    db0 = _create(kube, f"{core}/pods", {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "db-0", "labels": {"app": "db"}, "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "uid": sts["metadata"]["uid"], "controller": True}]},
        "spec": {**WIN_SCHED, "os": {"name": "windows"}, "nodeName": "audit-win2022-a",
                 "containers": [_container("app", IMG_2022, command=["/bin/sh", "-c", "run"])]}})
    _event(kube, db0, "Failed", E34_TEXT, "audit-win2022-a", count=7)
    # CronJob and a Job, both Windows
    _create(kube, f"{batch}/cronjobs", {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": _tpl({"app": "report"}, {
            **WIN_SCHED, "os": {"name": "windows"}, "restartPolicy": "OnFailure",
            "nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
            "containers": [_container("report", IMG_2022)]})}}}})
    _create(kube, f"{batch}/jobs", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
        "spec": {"template": _tpl({"app": "migrate"}, {
            "restartPolicy": "Never", "containers": [_container("migrate", "alpine:3.20", command=["sh", "-c", "true"])]})}})
    # a ReplicaSet without an owner
    _create(kube, f"{apps}/replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "orphan"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "orphan"}},
                 "template": _tpl({"app": "orphan"}, {"containers": [_container("c", "nginx:1.27")]})}})
    # bare pods: one refused by the kubelet (spec.os windows bound to a Linux node), one stuck in sandbox creation
    rejected = _create(kube, f"{core}/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "wrong-os"},
        "spec": {"os": {"name": "windows"}, "nodeName": "audit-linux-a", "containers": [_container("c", IMG_2022)]}})
    _set_status(kube, rejected, {"phase": "Failed", "reason": "PodOSNotSupported", "message": E16_TEXT})
    sandbox = _create(kube, f"{core}/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sandbox-stuck"},
        "spec": {**WIN_SCHED, "os": {"name": "windows"}, "nodeName": "audit-win2025-a",
                 "containers": [_container("c", "mcr.microsoft.com/windows/nanoserver:ltsc2025")]}})
    _set_status(kube, sandbox, {"phase": "Pending", "containerStatuses": [{
        "name": "c", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2025", "imageID": "", "ready": False,
        "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}]})
    _event(kube, sandbox, "FailedCreatePodSandBox", E10_TEXT.format(pod="sandbox-stuck"), "audit-win2025-a", count=12)
    # a healthy Running pod with a Normal event: nothing to report
    fine = _create(kube, f"{core}/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fine"},
        "spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "nodeName": "audit-linux-a",
                 "containers": [_container("c", "nginx:1.27")]}})
    _set_status(kube, fine, {"phase": "Running", "containerStatuses": [{
        "name": "c", "image": "nginx:1.27", "imageID": "", "ready": True, "restartCount": 0,
        "state": {"running": {"startedAt": "2026-11-27T08:00:00Z"}}, "lastState": {}}]})
    _event(kube, fine, "Pulled", 'Successfully pulled image "nginx:1.27"', "audit-linux-a", etype="Normal")
    return {"ns": NS}


def _set_status(kube: httpx.Client, pod: dict, status: dict) -> None:
    m = pod["metadata"]
    _ok(kube.patch(f"/api/v1/namespaces/{m['namespace']}/pods/{m['name']}/status", json={"status": status},
                   headers={"Content-Type": "application/merge-patch+json"}))


def _event(kube: httpx.Client, pod: dict, reason: str, message: str, host: str, count: int = 1, etype: str = "Warning") -> None:
    m = pod["metadata"]
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    _create(kube, f"/api/v1/namespaces/{m['namespace']}/events", {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{m['name']}.{reason.lower()}"},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": m["name"], "namespace": m["namespace"], "uid": m["uid"]},
        "reason": reason, "message": message, "type": etype, "count": count,
        "source": {"component": "kubelet", "host": host}, "firstTimestamp": now, "lastTimestamp": now})


def dump(kube: httpx.Client, path, ns: str = NS) -> None:
    """What `kubectl get nodes,runtimeclasses,deploy,sts,ds,rs,cronjobs,jobs,pods,events -n NS -o json` writes:
    one List, items with kind and apiVersion."""
    import json

    from winkube.audit.collect import RESOURCES
    items = []
    for res in RESOURCES:
        body = _ok(kube.get(res.path(ns)))
        api = f"{res.group}/{res.version}" if res.group else res.version
        for it in body["items"]:
            items.append({"apiVersion": api, "kind": res.kind, **it})
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {}}))
