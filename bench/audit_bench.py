"""winkube audit at Kubernetes' scalability envelope: 5,000 nodes and 150,000 pods.

Generates a kubectl-style dump (`kubectl get … -A -o json`: one List per file, items with kind and
apiVersion, no managedFields) of a mixed cluster — Linux pools, Windows Server 2019/2022/2025
pools, Deployments with their ReplicaSets, StatefulSets, DaemonSets (a pod per node), CronJobs,
Jobs, bare pods, ~1% of pods failing with real Windows messages, Events — then runs
`winkube audit -f DIR -o json` in a child process and reports wall time and peak RSS
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss), next to a floor: the same child only parsing the
files with json.loads. Goal: <= 10 s and <= 2 GB.

    python bench/audit_bench.py [--nodes 5000] [--pods 150000] [--keep DIR] [--repeat 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

POOLS = [  # name, os, count share, build, kernel, runtime, instance type
    ("sys", "linux", 0.10, None, "6.1.0-28-cloud-amd64", "containerd://2.2.1", "Standard_D4s_v5"),
    ("general", "linux", 0.40, None, "6.1.0-28-cloud-amd64", "containerd://2.2.1", "Standard_D8s_v5"),
    ("memory", "linux", 0.15, None, "6.1.0-28-cloud-amd64", "containerd://2.2.1", "Standard_E8s_v5"),
    ("gpu", "linux", 0.05, None, "6.1.0-28-cloud-amd64", "containerd://2.1.5", "Standard_NC6s_v3"),
    ("win19", "windows", 0.06, "10.0.17763", "10.0.17763.1397", "containerd://1.6.14", "Standard_D4s_v5"),
    ("win22", "windows", 0.16, "10.0.20348", "10.0.20348.2113", "containerd://1.7.20", "Standard_D8s_v5"),
    ("win25", "windows", 0.08, "10.0.26100", "10.0.26100.6899", "containerd://2.2.1", "Standard_D8s_v5"),
]
WIN_TOL = [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]
DEFAULT_TOLS = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
FAILS = [
    ("CreateContainerError", "failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem app: "
                             "The container operating system does not match the host operating system.: unknown"),
    ("ImagePullBackOff", 'Back-off pulling image "mcr.microsoft.com/windows/nanoserver:ltsc2022": no match for platform in manifest: not found'),
    ("RunContainerError", 'failed to start containerd task "app": hcs::System::CreateProcess app: The system cannot find the file specified.: unknown'),
    ("CrashLoopBackOff", "back-off 5m0s restarting failed container=app"),
]


def _uid(rng: random.Random) -> str:
    return "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                          rng.getrandbits(16), rng.getrandbits(48))


def _ts(rng: random.Random) -> str:
    return f"2026-11-{rng.randint(1, 26):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def gen_nodes(n: int, rng: random.Random) -> tuple[list[dict], dict[str, list[str]]]:
    nodes, by_pool = [], {}
    for pool, os_, share, build, kernel, runtime, itype in POOLS:
        count = max(1, int(n * share))
        for i in range(count):
            name = f"aks-{pool}-{i:05d}" if os_ == "linux" else f"akswin{pool[-2:]}{i:05d}"
            labels = {"agentpool": pool, "kubernetes.io/os": os_, "kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": os_,
                      "beta.kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                      "node.kubernetes.io/instance-type": itype, "topology.kubernetes.io/region": "westeurope",
                      "topology.kubernetes.io/zone": f"westeurope-{i % 3 + 1}", "kubernetes.azure.com/agentpool": pool}
            if build:
                labels["node.kubernetes.io/windows-build"] = build
            cap = {"cpu": "8", "ephemeral-storage": "129886128Ki", "memory": "32863332Ki", "pods": "110" if os_ == "linux" else "30"}
            nodes.append({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "uid": _uid(rng), "resourceVersion": str(rng.randint(1, 10**7)),
                             "creationTimestamp": _ts(rng), "labels": labels,
                             "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
                "spec": {"providerID": f"azure:///subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/{pool}/virtualMachines/{i}",
                         **({"taints": [{"key": "os", "value": "windows", "effect": "NoSchedule"}]} if os_ == "windows" else {})},
                "status": {
                    "addresses": [{"type": "InternalIP", "address": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"},
                                  {"type": "Hostname", "address": name}],
                    "allocatable": cap, "capacity": cap,
                    "conditions": [{"type": t, "status": "False" if t != "Ready" else "True", "reason": r,
                                    "message": m, "lastHeartbeatTime": _ts(rng), "lastTransitionTime": _ts(rng)}
                                   for t, r, m in (("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                                                   ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                                                   ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                                                   ("Ready", "KubeletReady", "kubelet is posting ready status"))],
                    "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                    "nodeInfo": {"architecture": "amd64", "bootID": _uid(rng), "containerRuntimeVersion": runtime,
                                 "kernelVersion": kernel, "kubeProxyVersion": "", "kubeletVersion": "v1.37.2",
                                 "machineID": name, "operatingSystem": os_, "systemUUID": _uid(rng),
                                 "osImage": {"10.0.17763": "Windows Server 2019 Datacenter", "10.0.20348": "Windows Server 2022 Datacenter",
                                             "10.0.26100": "Windows Server 2025 Datacenter"}.get(build, "Ubuntu 24.04.1 LTS")},
                    "images": [{"names": ["mcr.microsoft.com/oss/kubernetes/pause:3.6"], "sizeBytes": 301463}],
                }})
            by_pool.setdefault(pool, []).append(name)
    return nodes, by_pool


def pod_spec(rng: random.Random, app: str, os_: str, pool: str | None, sa_suffix: str) -> dict:
    if os_ == "windows":
        build = {"win19": "ltsc2019", "win22": "ltsc2022", "win25": "ltsc2025"}[pool or "win22"]
        image = f"contoso.azurecr.io/{app}:1.{rng.randint(0, 40)}.0-windowsservercore-{build}"
        sched = {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build":
                                  {"win19": "10.0.17763", "win22": "10.0.20348", "win25": "10.0.26100"}[pool or "win22"]},
                 "tolerations": WIN_TOL + DEFAULT_TOLS, "os": {"name": "windows"}}
    else:
        image = f"contoso.azurecr.io/{app}:1.{rng.randint(0, 40)}.0"
        sched = {"nodeSelector": {"kubernetes.io/os": "linux", **({"agentpool": pool} if pool else {})}, "tolerations": DEFAULT_TOLS}
    return {
        **sched,
        "containers": [{
            "name": "app", "image": image, "imagePullPolicy": "IfNotPresent",
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "env": [{"name": "ASPNETCORE_URLS", "value": "http://+:8080"}, {"name": "APP_NAME", "value": app},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10,
                               "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "volumeMounts": [{"name": f"kube-api-access-{sa_suffix}", "readOnly": True,
                              "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
        }],
        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
        "securityContext": {}, "serviceAccount": "default", "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
        "volumes": [{"name": f"kube-api-access-{sa_suffix}", "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
    }


def gen_cluster(n_nodes: int, n_pods: int, seed: int = 20261127):
    rng = random.Random(seed)
    nodes, by_pool = gen_nodes(n_nodes, rng)
    linux_pools = [p for p, os_, *_ in POOLS if os_ == "linux"]
    win_pools = [p for p, os_, *_ in POOLS if os_ == "windows"]
    workloads, pods, events = [], [], []

    def mkpod(ns, name, labels, spec, node, owner, failing):
        uid = _uid(rng)
        status = {"phase": "Running", "hostIP": "10.0.0.1", "podIP": f"10.244.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
                  "qosClass": "Burstable", "startTime": _ts(rng),
                  "conditions": [{"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": _ts(rng)}
                                 for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
                  "containerStatuses": [{"name": "app", "image": spec["containers"][0]["image"], "imageID": "sha256:" + "%064x" % rng.getrandbits(256),
                                         "containerID": "containerd://" + "%064x" % rng.getrandbits(256), "ready": True, "started": True,
                                         "restartCount": 0, "state": {"running": {"startedAt": _ts(rng)}}, "lastState": {}}]}
        if failing:
            reason, msg = rng.choice(FAILS)
            status["phase"] = "Pending"
            status["containerStatuses"][0].update(ready=False, started=False, state={"waiting": {"reason": reason, "message": msg}})
            if rng.random() < 0.5:
                events.append({"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{name}.{rng.getrandbits(40):x}", "namespace": ns},
                               "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": ns, "uid": uid},
                               "reason": "Failed", "message": msg, "type": "Warning", "count": rng.randint(1, 50),
                               "source": {"component": "kubelet", "host": node}, "firstTimestamp": _ts(rng), "lastTimestamp": _ts(rng)})
        pods.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": str(rng.randint(1, 10**7)),
                                  "creationTimestamp": _ts(rng), "labels": labels,
                                  **({"generateName": name.rsplit("-", 1)[0] + "-", "ownerReferences": [owner]} if owner else {})},
                     "spec": {**spec, "nodeName": node}, "status": status})

    def owner_ref(obj):
        return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
                "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}

    def wl(kind, api, ns, name, template, extra=None, owner=None):
        obj = {"apiVersion": api, "kind": kind,
               "metadata": {"name": name, "namespace": ns, "uid": _uid(rng), "resourceVersion": str(rng.randint(1, 10**7)),
                            "creationTimestamp": _ts(rng), "generation": 1, "labels": {"app": name.split("-")[0]},
                            **({"ownerReferences": [owner]} if owner else {})},
               "spec": {**(extra or {}), "template": template} if kind != "CronJob" else {**(extra or {}), "jobTemplate": {"spec": {"template": template}}}}
        workloads.append(obj)
        return obj

    # DaemonSets: one pod per node they fit
    ds_defs = [("kube-proxy", "linux", None), ("cilium", "linux", None), ("fluent-bit", "linux", None), ("node-exporter", "linux", None),
               ("kube-proxy-windows", "windows", None), ("windows-exporter", "windows", None)]
    ds_pods_total = 0
    for name, os_, _ in ds_defs:
        spec = pod_spec(rng, name, os_, "win22" if os_ == "windows" else None, "ds")
        spec.pop("nodeSelector", None)
        spec["nodeSelector"] = {"kubernetes.io/os": os_}
        labels = {"app": name, "controller-revision-hash": "7d9f8c6b5"}
        ds = wl("DaemonSet", "apps/v1", "kube-system", name, {"metadata": {"labels": labels}, "spec": spec},
                {"selector": {"matchLabels": {"app": name}}})
        for pool in (linux_pools if os_ == "linux" else win_pools):
            for node in by_pool[pool]:
                if len(pods) >= n_pods:
                    break
                mkpod("kube-system", f"{name}-{rng.getrandbits(24):06x}", labels, spec, node, owner_ref(ds), False)
                ds_pods_total += 1
    # StatefulSets, Jobs/CronJobs, bare pods, then Deployments take the rest
    namespaces = [f"team-{i:03d}" for i in range(200)]
    n_sts, n_cron, n_bare = 300, 200, 600
    for i in range(n_sts):
        ns = rng.choice(namespaces)
        win = i % 4 == 0
        pool = rng.choice(win_pools) if win else rng.choice(linux_pools)
        name = f"db{i:04d}"
        spec = pod_spec(rng, name, "windows" if win else "linux", pool, "sts")
        labels = {"app": name}
        sts = wl("StatefulSet", "apps/v1", ns, name, {"metadata": {"labels": labels}, "spec": spec},
                 {"serviceName": name, "replicas": 10, "selector": {"matchLabels": labels}})
        for r in range(10):
            mkpod(ns, f"{name}-{r}", labels, spec, rng.choice(by_pool[pool]), owner_ref(sts), rng.random() < 0.01)
    for i in range(n_cron):
        ns = rng.choice(namespaces)
        win = i % 3 == 0
        pool = rng.choice(win_pools) if win else None
        name = f"report{i:04d}"
        spec = pod_spec(rng, name, "windows" if win else "linux", pool, "job")
        spec["restartPolicy"] = "OnFailure"
        cj = wl("CronJob", "batch/v1", ns, name, {"metadata": {"labels": {"app": name}}, "spec": spec}, {"schedule": "0 3 * * *"})
        job = wl("Job", "batch/v1", ns, f"{name}-29000000", {"metadata": {"labels": {"app": name}}, "spec": spec},
                 {"backoffLimit": 6}, owner=owner_ref(cj))
        node = rng.choice(by_pool[pool] if pool else by_pool["general"])
        mkpod(ns, f"{name}-29000000-{rng.getrandbits(20):05x}", {"app": name}, spec, node, owner_ref(job), False)
    for i in range(n_bare):
        ns = rng.choice(namespaces)
        name = f"debug-{i:04d}"
        spec = pod_spec(rng, name, "linux", None, f"b{i:04d}")
        mkpod(ns, name, {"run": name}, spec, rng.choice(by_pool["general"]), None, False)
    left = n_pods - len(pods)
    n_deploy = max(1, left // 21)
    per = [left // n_deploy + (1 if k < left % n_deploy else 0) for k in range(n_deploy)]
    for i in range(n_deploy):
        ns = rng.choice(namespaces)
        win = i % 5 == 0
        pool = rng.choice(win_pools) if win else rng.choice(["general", "memory", "general", None])
        name = f"svc{i:05d}"
        spec = pod_spec(rng, name, "windows" if win else "linux", pool, "dep")
        labels = {"app": name}
        d = wl("Deployment", "apps/v1", ns, name, {"metadata": {"labels": labels}, "spec": spec},
               {"replicas": per[i], "selector": {"matchLabels": labels}})
        rs_labels = {**labels, "pod-template-hash": f"{rng.getrandbits(36):09x}"}
        rs = wl("ReplicaSet", "apps/v1", ns, f"{name}-{rs_labels['pod-template-hash']}",
                {"metadata": {"labels": rs_labels}, "spec": spec}, {"replicas": per[i], "selector": {"matchLabels": rs_labels}},
                owner=owner_ref(d))
        if rng.random() < 0.5:  # an old ReplicaSet scaled to 0, as rollouts leave behind
            wl("ReplicaSet", "apps/v1", ns, f"{name}-{rng.getrandbits(36):09x}", {"metadata": {"labels": rs_labels}, "spec": spec},
               {"replicas": 0, "selector": {"matchLabels": rs_labels}}, owner=owner_ref(d))
        nodes_here = by_pool[pool] if pool else by_pool["general"] + by_pool["memory"]
        for r in range(per[i]):
            mkpod(ns, f"{name}-{rs_labels['pod-template-hash']}-{rng.getrandbits(24):05x}", rs_labels, spec,
                  rng.choice(nodes_here), owner_ref(rs), rng.random() < 0.01)
    # some Normal events
    for i in range(10000):
        p = pods[rng.randrange(len(pods))]
        events.append({"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{p['metadata']['name']}.n{i:x}", "namespace": p["metadata"]["namespace"]},
                       "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": p["metadata"]["name"], "namespace": p["metadata"]["namespace"]},
                       "reason": "Pulled", "message": f"Container image \"{p['spec']['containers'][0]['image']}\" already present on machine",
                       "type": "Normal", "count": 1, "source": {"component": "kubelet", "host": p["spec"]["nodeName"]}})
    rcs = [{"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": f"windows-{y}"}, "handler": "runhcs-wcow-process",
            "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": b}, "tolerations": WIN_TOL}}
           for y, b in (("2019", "10.0.17763"), ("2022", "10.0.20348"), ("2025", "10.0.26100"))]
    return nodes, rcs, workloads, pods, events


def write_dump(directory: Path, nodes, rcs, workloads, pods, events) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, items in (("nodes.json", nodes + rcs), ("workloads.json", workloads), ("pods.json", pods), ("events.json", events)):
        text = json.dumps({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
                          separators=(",", ":"))
        (directory / name).write_text(text)
        total += len(text)
    return total


FLOOR = """
import json, sys, gc
for p in sys.argv[1:]:
    with open(p) as f:
        data = json.load(f)
    del data
"""


WRAP = """
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
"""


def child(argv: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one child process (measured by its own parent, so
    each number is that child's high-water mark alone)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAP, *argv], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    try:
        peak_kib, rc = (int(x) for x in proc.stdout.split())
    except ValueError:
        sys.exit(f"{' '.join(argv)} could not be measured:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    if rc not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({rc}):\n{proc.stderr[-3000:]}")
    return wall, peak_kib / 1024, rc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=150000)
    ap.add_argument("--keep", metavar="DIR", help="write (or reuse) the dump here instead of a temporary directory")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    tmp = None
    if args.keep:
        d = Path(args.keep)
    else:
        tmp = tempfile.mkdtemp(prefix="winkube-audit-bench-")
        d = Path(tmp)
    try:
        if not (d / "pods.json").is_file():
            t0 = time.perf_counter()
            cluster = gen_cluster(args.nodes, args.pods)
            size = write_dump(d, *cluster)
            counts = {k: len(v) for k, v in zip(("nodes", "runtimeclasses", "workloads", "pods", "events"), cluster)}
            del cluster
            print(f"generated {counts} — {size / 2**20:.0f} MiB of JSON in {time.perf_counter() - t0:.1f}s ({d})")
        files = [str(d / f) for f in ("nodes.json", "workloads.json", "pods.json", "events.json")]
        print(f"dump: {sum(os.path.getsize(f) for f in files) / 2**20:.0f} MiB in {len(files)} files")
        exe = [sys.executable, "-m", "winkube.cli", "audit", "-o", "json"] + [a for f in files for a in ("-f", f)]
        runs = [child(exe) for _ in range(args.repeat)]
        wall = min(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        floor_wall, floor_peak, _ = child([sys.executable, "-c", FLOOR, *files])
        print(f"winkube audit -f ({len(files)} files → json report): {wall:.2f} s wall, peak RSS {peak:,.0f} MiB "
              f"(goal <= 10 s, <= 2048 MiB) — {'OK' if wall <= 10 and peak <= 2048 else 'OVER'}")
        print(f"reference, json.load of the same files (GC on): {floor_wall:.2f} s wall, peak RSS {floor_peak:,.0f} MiB")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
