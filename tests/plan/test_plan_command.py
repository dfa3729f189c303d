"""`winkube plan` as users run it: a real process, real files, exit codes; the live path against
the harness's real kube-apiserver; and the planner's load accounting."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from winkube.model.podview import pod_view
from winkube.model.profile import default_profile, with_cluster_objects
from winkube.plan import Planner, node_usage
from winkube.targeting import resolve

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*args, stdin=None, cwd=None, env=None):
    env = dict(os.environ, NO_COLOR="1", **(env or {}))
    return subprocess.run([str(BIN / "winkube"), "plan", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=120)


def node(name, os_="windows", build="10.0.20348", pool="win2022", cpu="4", pods="110", taints=True, unschedulable=False):
    labels = {"kubernetes.io/os": os_, "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "agentpool": pool}
    if os_ == "windows":
        labels["node.kubernetes.io/windows-build"] = build
    spec = {}
    if os_ == "windows" and taints:
        spec["taints"] = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}, "spec": spec,
            "status": {"allocatable": {"cpu": cpu, "memory": "16Gi", "pods": pods},
                       "nodeInfo": {"containerRuntimeVersion": "containerd://2.0.4", "kubeletVersion": "v1.37.2",
                                    "operatingSystem": os_, "architecture": "amd64"}}}


NODES = {"apiVersion": "v1", "kind": "List", "items": [
    node("lin-1", "linux", pool="linux"), node("w22-1"), node("w22-2"), node("w25-1", build="10.0.26100", pool="win2025")]}
RC = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "win2022"}, "handler": "runhcs-wcow-process",
      "scheduling": {"nodeSelector": {"node.kubernetes.io/windows-build": "10.0.20348"},
                     "tolerations": [{"key": "os", "operator": "Exists", "effect": "NoSchedule"}]},
      "overhead": {"podFixed": {"cpu": "500m"}}}

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      runtimeClassName: win2022
      containers:
      - name: web
        image: mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022
        resources: {requests: {cpu: "2", memory: 1Gi}}
"""
LINUX_JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: report, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: r, image: busybox:1.36}]
"""
UNTOLERATED = """\
apiVersion: v1
kind: Pod
metadata: {name: iis, namespace: shop}
spec:
  nodeSelector: {kubernetes.io/os: windows}
  containers: [{name: iis, image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022}]
"""


def cluster_file(tmp_path, *extra) -> Path:
    f = tmp_path / "cluster.yaml"
    f.write_text(yaml.safe_dump_all([NODES, RC, *extra], sort_keys=False))
    return f


def test_text_table_and_details_exit_0_when_everything_lands(tmp_path):
    c = cluster_file(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "web.yaml").write_text(WEB)
    (tmp_path / "app" / "job.yaml").write_text(LINUX_JOB)
    r = run(str(c), str(tmp_path / "app"))
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    header = next(line for line in out.splitlines() if line.startswith("WORKLOAD"))
    assert header.split() == ["WORKLOAD", "linux", "win2022", "win2025", "RESULT"]
    web = next(line for line in out.splitlines() if line.startswith("Deployment shop/web"))
    assert web.split()[2:] == ["✗", "NodeAffinity", "✓", "✗", "NodeAffinity", "lands:", "win2022"]
    job = next(line for line in out.splitlines() if line.startswith("Job shop/report"))
    assert "lands: linux" in job and "✗ TaintToleration" not in job
    # details: the excluded pools with every failing filter, the RuntimeClass merged in
    assert f"Deployment shop/web ({tmp_path / 'app' / 'web.yaml'}:1)" in out
    assert "scheduler NodeAffinity: nodeSelector node.kubernetes.io/windows-build=10.0.20348 (pool has node.kubernetes.io/windows-build=10.0.26100)" in out
    assert "runtimeClassName: win2022" in out
    assert "win2022 (windows/amd64 20348, 2 nodes): ✓ schedulable" in out
    assert "note: no bound pods known" in out
    assert r.stderr == ""


def test_exit_1_and_first_failing_filter_when_a_workload_lands_nowhere(tmp_path):
    c = cluster_file(tmp_path)
    r = run(str(c), "-f", "-", stdin=UNTOLERATED)
    assert r.returncode == 1, r.stdout + r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith("Pod shop/iis"))
    assert row.split()[2:] == ["✗", "NodeAffinity", "✗", "TaintToleration", "✗", "TaintToleration", "no", "pool"]
    assert "scheduler TaintToleration: untolerated taint os=windows:NoSchedule" in r.stdout
    assert "=> can land and start on no pool" in r.stdout


def test_json_output(tmp_path):
    c = cluster_file(tmp_path)
    w = tmp_path / "w.yaml"
    w.write_text(WEB + "---\n" + UNTOLERATED)
    r = run("-o", "json", str(c), str(w))
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["apiVersion"] == "winkube.io/v1" and doc["kind"] == "Plan"
    assert [p["name"] for p in doc["profile"]["pools"]] == ["linux", "win2022", "win2025"]
    assert doc["profile"]["pools"][1] == {"name": "win2022", "os": "windows", "arch": "amd64", "windowsBuild": "10.0.20348",
                                          "nodes": 2, "nodeNames": ["w22-1", "w22-2"], "unschedulable": False}
    assert doc["profile"]["pools"][0]["windowsBuild"] is None
    web, iis = doc["workloads"]
    assert (web["kind"], web["namespace"], web["name"], web["line"]) == ("Deployment", "shop", "web", 1)
    assert web["lands"] is True and web["landingPools"] == ["win2022"] and web["startsOn"] == ["win2022"]
    assert web["runtimeClassName"] == "win2022"
    by_pool = {p["pool"]: p for p in web["pools"]}
    assert by_pool["win2022"]["result"] == "lands" and by_pool["win2022"]["nodes"] == ["w22-1", "w22-2"]
    assert by_pool["linux"]["result"] == "scheduling"
    assert by_pool["linux"]["scheduler"][0]["plugin"] == "NodeAffinity"
    assert iis["lands"] is False and iis["landingPools"] == [] and iis["line"] == 15
    assert {p["scheduler"][0]["plugin"] for p in iis["pools"]} == {"NodeAffinity", "TaintToleration"}
    assert doc["summary"] == {"workloads": 2, "landing": 1, "nowhere": 1, "errors": 0, "findings": 4}
    # the findings lint reports on the same object, in lint's JSON shape (one serialisation)
    assert iis["findings"] and all(f["object"]["name"] == "iis" and f["stage"] for f in iis["findings"])


def test_kubelet_and_image_stages_are_not_landing(tmp_path):
    c = cluster_file(tmp_path)
    pod = UNTOLERATED.replace("  nodeSelector: {kubernetes.io/os: windows}\n",
                              "  nodeSelector: {agentpool: win2025}\n  tolerations: [{operator: Exists}]\n").replace("ltsc2022", "ltsc2019")
    r = run("-o", "json", str(c), "-", stdin=pod)
    assert r.returncode == 1, r.stderr
    (w,) = json.loads(r.stdout)["workloads"]
    assert w["landingPools"] == ["win2025"] and w["startsOn"] == []  # scheduled, but the ltsc2019 image cannot run there
    (p,) = [p for p in w["pools"] if p["pool"] == "win2025"]
    assert p["result"] == "runtime" and "ltsc2019" in p["runtime"][0]["image"]
    text = run(str(c), "-", stdin=pod).stdout
    assert "✗ ImageBuild" in text and "stops at runtime" in text
    linux = pod.replace("spec:\n", "spec:\n  os: {name: linux}\n", 1)  # scheduled on Windows, refused by its kubelet
    (w,) = json.loads(run("-o", "json", str(c), "-", stdin=linux).stdout)["workloads"]
    (p,) = [p for p in w["pools"] if p["pool"] == "win2025"]
    assert p["result"] == "kubelet" and p["kubelet"][0]["reason"] == "PodOSNotSupported"
    assert "✗ kubelet PodOSNotSupported" in run(str(c), "-", stdin=linux).stdout


def test_dump_with_bound_pods_counts_their_requests(tmp_path):
    # `kubectl get nodes,runtimeclasses,pods -A -o json`: a PodList's items carry no kind
    def bound(name, node_name, cpu):
        return {"metadata": {"name": name, "namespace": "shop", "uid": f"uid-{name}"},
                "spec": {"nodeName": node_name, "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": cpu}}}]},
                "status": {"phase": "Running"}}
    done = bound("old-job", "w22-2", "4")
    done["status"]["phase"] = "Succeeded"  # finished pods hold nothing
    pending = {"metadata": {"name": "new", "namespace": "shop", "uid": "uid-new"},
               "spec": {"runtimeClassName": "win2022",
                        "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "1500m"}}}]},
               "status": {"phase": "Pending"}}
    dump = tmp_path / "dump.json"
    pods = {"apiVersion": "v1", "kind": "PodList", "items": [bound("a", "w22-1", "3"), bound("b", "w22-2", "2"), done, pending]}
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": NODES["items"] + [RC]}) + "\n")
    (tmp_path / "pods.json").write_text(json.dumps(pods))
    r = run("-o", "json", str(dump), str(tmp_path / "pods.json"))
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["profile"]["loadKnown"] is True
    (w,) = doc["workloads"]  # only the pending pod is placed; the bound ones are load
    assert w["name"] == "new" and w["landingPools"] == ["win2022"]
    (p,) = [p for p in w["pools"] if p["pool"] == "win2022"]
    assert p["nodes"] == ["w22-2"]  # 1500m + 500m overhead: w22-1 has 1 cpu left, w22-2 has 2
    pods["items"][1]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "2500m"
    (tmp_path / "pods.json").write_text(json.dumps(pods))
    r = run(str(dump), str(tmp_path / "pods.json"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "scheduler NodeResourcesFit: Insufficient cpu" in r.stdout
    assert "load: 2 bound pod(s) on 2 node(s)" in r.stdout


def test_missing_runtime_class_is_an_admission_rejection(tmp_path):
    c = cluster_file(tmp_path)
    r = run("-o", "json", str(c), "-", stdin=WEB.replace("runtimeClassName: win2022", "runtimeClassName: hyperv"))
    assert r.returncode == 1
    (w,) = json.loads(r.stdout)["workloads"]
    assert w["lands"] is False and w["admission"][0].startswith("runtimeclass-missing spec.template.spec.runtimeClassName: RuntimeClass 'hyperv' is not in")
    assert {p["result"] for p in w["pools"]} == {"admission"}


def test_default_profile_is_said_to_be_a_guess():
    r = run("examples/windows-good.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "embedded default's guess" in r.stdout


def test_bad_input_is_a_clear_error_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Pod\nmetadata: {name: x\nspec: {}\n")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: y}\nspec:\n  nodeSelector: [a, b]\n  containers: [{name: c, image: x}]\n")
    good = tmp_path / "good.yaml"
    good.write_text(LINUX_JOB)
    r = run(str(bad), str(wrong), str(good), str(tmp_path / "missing.yaml"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"{bad}:" in r.stderr
    assert f"{wrong}:5: spec.nodeSelector: expected an object, got list" in r.stderr
    assert f"{tmp_path / 'missing.yaml'}: no such file or directory" in r.stderr
    assert "Job shop/report" in r.stdout  # the other inputs are still planned
    for args, message in [
        (["--profile", str(tmp_path / "nope.yaml"), str(good)], "cannot read the profile"),
        (["--live", "-n", "a", "-A"], "exclude each other"),
        (["--kubeconfig", str(tmp_path / "missing-kubeconfig"), str(good)], "cannot read the cluster"),
        (["-o", "xml", str(good)], "invalid choice"),
    ]:
        r = run(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


def test_json_errors_are_listed(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Pod\nspec: [unclosed\n")  # (YAML that is no object is skipped, as lint does)
    r = run("-o", "json", str(bad))
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc["errors"] and doc["errors"][0]["file"] == str(bad) and doc["workloads"] == []


def test_live_cluster_nodes_runtime_classes_and_load(control_plane, kube, register_node, namespace):
    """--kubeconfig: Nodes, RuntimeClasses and the load come from the real API server."""
    ns = namespace("winkube-plan-live")
    created = []
    for name in ("plancmd-w22-1", "plancmd-w22-2"):
        if kube.get(f"/api/v1/nodes/{name}").status_code == 404:
            created.append(name)
            register_node(name, os_name="windows", labels={"agentpool": "plancmd-win2022", "node.kubernetes.io/windows-build": "10.0.20348"},
                          taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}],
                          capacity={"cpu": "4", "memory": "8Gi"})
    rc = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plancmd-win2022"},
          "handler": "runhcs-wcow-process",
          "scheduling": {"nodeSelector": {"agentpool": "plancmd-win2022"}, "tolerations": [{"key": "os", "operator": "Exists"}]}}
    assert kube.post("/apis/node.k8s.io/v1/runtimeclasses", json=rc).status_code in (201, 409)
    busy = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busy"},
            "spec": {"nodeName": "plancmd-w22-1", "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "3"}}}]}}
    r = kube.post(f"/api/v1/namespaces/{ns}/pods", json=busy)
    assert r.status_code in (201, 409), r.text
    try:
        manifest = WEB.replace("runtimeClassName: win2022", "runtimeClassName: plancmd-win2022")
        r = run("--kubeconfig", str(control_plane.kubeconfig), "-o", "json", "-", stdin=manifest)
        assert r.returncode == 0, r.stdout + r.stderr
        doc = json.loads(r.stdout)
        assert doc["profile"]["loadKnown"] is True
        (w,) = doc["workloads"]
        pool = next(p for p in doc["profile"]["pools"] if "plancmd-w22-1" in p["nodeNames"])
        assert w["landingPools"] == [pool["name"]]
        (v,) = [p for p in w["pools"] if p["pool"] == pool["name"]]
        assert v["nodes"] == ["plancmd-w22-2"]  # the other node has 1 cpu left, the pod asks for 2
        # the cluster's own workloads: the bound pod is load, nothing else in the namespace to place
        r = run("--kubeconfig", str(control_plane.kubeconfig), "--live", "-n", ns, "-o", "json")
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads(r.stdout)["workloads"] == []
    finally:  # leave the session's cluster as it was for the tests that follow
        kube.delete(f"/api/v1/namespaces/{ns}/pods/busy", params={"gracePeriodSeconds": "0"})
        for name in created:
            kube.delete(f"/api/v1/nodes/{name}")
        kube.delete("/apis/node.k8s.io/v1/runtimeclasses/plancmd-win2022")


def test_live_plan_judges_with_the_servers_release_and_names_one_outside_the_range(control_plane, server_outside_range):
    """As audit: --live takes the server's release (v1.37.2 here); knowledge whose newest release is
    one older puts the server outside the range, and the plan says which release's rules it used instead."""
    from winkube.knowledge import OVERRIDE_ENV

    knowledge, newest, older, note = server_outside_range
    args = ("--kubeconfig", str(control_plane.kubeconfig), "-")
    doc = json.loads(run(*args, "-o", "json", stdin=WEB, env={OVERRIDE_ENV: str(knowledge)}).stdout)
    assert doc["profile"]["kubernetesVersion"] == older and doc["notes"] == [note]
    text = run(*args, stdin=WEB, env={OVERRIDE_ENV: str(knowledge)}).stdout
    assert text.splitlines()[1] == f"note: {note}"
    doc = json.loads(run(*args, "-o", "json", stdin=WEB).stdout)
    assert doc["profile"]["kubernetesVersion"] == newest and doc["notes"] == []
    doc = json.loads(run(*args, "-o", "json", "--kube-version", "1.25", stdin=WEB).stdout)
    assert doc["profile"]["kubernetesVersion"] == "1.25" and doc["notes"] == []  # asked for: not the server's


# --- the planner and the three targeting fixes the scheduler differential found -------------

def _profile(*nodes):
    return with_cluster_objects(default_profile(), list(nodes), [])


def test_pool_split_by_load_and_merged_back():
    prof = _profile(node("w22-1"), node("w22-2"), node("w22-3"))
    pods = [{"spec": {"nodeName": "w22-1", "containers": [{"name": "c", "resources": {"requests": {"cpu": "4"}}}]}},
            {"spec": {"nodeName": "w22-2", "overhead": {"cpu": "1"},
                      "containers": [{"name": "c", "resources": {"requests": {"cpu": "2"}}}]}}]
    planner = Planner(prof, node_usage(pods))
    assert sorted(p.name for p in planner.judged.pools) == ["win2022#1", "win2022#2", "win2022#3"]
    pod = yaml.safe_load(UNTOLERATED.replace("  containers:", "  tolerations: [{operator: Exists}]\n  containers:"))
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "2"}}
    plan = planner.plan(pod)
    assert [p.name for p in plan.landing] == ["win2022"] and plan.verdict("win2022").nodes == ["w22-3"]
    pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "5"
    plan = planner.plan(pod)
    assert plan.landing == [] and plan.verdict("win2022").failures == [("NodeResourcesFit", "Insufficient cpu")]


def test_too_many_pods():
    """fit.go fitsRequest: len(nodeInfo.Pods)+1 > AllowedPodNumber, even for a pod that requests nothing."""
    prof = _profile(node("w25-1", build="10.0.26100", pool="win2025", pods="2", taints=False))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    bound = [{"spec": {"nodeName": "w25-1", "containers": [{"name": "c"}]}}] * 2
    assert [p.name for p in Planner(prof, node_usage(bound[:1])).plan(pod).landing] == ["win2025"]
    assert Planner(prof, node_usage(bound)).plan(pod).verdict("win2025").failures == [("NodeResourcesFit", "Too many pods")]


def test_gt_lt_read_label_values_as_go_parseint_does():
    """labels.Requirement.Matches: strconv.ParseInt(value, 10, 64); "1_0" is a valid label value Go refuses."""
    prof = _profile(node("a", "linux", pool="a"), node("b", "linux", pool="b"), node("c", "linux", pool="c"))
    prof.pools[0].labels["gen"], prof.pools[1].labels["gen"], prof.pools[2].labels["gen"] = "1_0", "12", "99999999999999999999"

    def lands(op, value):
        pod = {"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x"}], "affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "gen", "operator": op, "values": [value]}]}]}}}}}
        return [p.name for p in resolve(pod_view(pod), prof).landing]

    assert lands("Gt", "5") == ["b"]
    assert lands("Lt", "20") == ["b"]
    assert lands("Gt", "+11") == ["b"] and lands("Lt", "-1") == []


def test_match_fields_requirements_hold_for_one_node():
    """nodeSelectorTerm.match runs per node: two metadata.name In requirements naming different nodes match none."""
    prof = _profile(node("lin-1", "linux", pool="linux"), node("lin-2", "linux", pool="linux"))
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["lin-1"]},
                            {"key": "metadata.name", "operator": "In", "values": ["lin-2"]}]}
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x"}], "affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}}}
    assert resolve(pod_view(pod), prof).landing == []
    term["matchFields"][1] = {"key": "metadata.name", "operator": "NotIn", "values": ["lin-2"]}
    assert [p.name for p in resolve(pod_view(pod), prof).landing] == ["linux"]


PRIVILEGED_WINDOWS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: priv}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers:
      - name: c
        image: mcr.microsoft.com/windows/servercore:ltsc2022
        securityContext: {privileged: true}
"""


def test_a_pod_the_api_server_rejects_lands_nowhere_and_admission_comes_first(tmp_path):
    # issue 9: plan said "lands on both Windows pools" while lint said the API server rejects it
    r = run("-o", "json", str(cluster_file(tmp_path)), "-", stdin=PRIVILEGED_WINDOWS)
    assert r.returncode == 1, r.stderr
    (w,) = json.loads(r.stdout)["workloads"]
    assert w["lands"] is False and w["landingPools"] == [] and w["startsOn"] == []
    assert w["admission"] and w["admission"][0].startswith("windows-forbidden-field spec.template.spec.containers[0].securityContext.privileged")
    assert {p["result"] for p in w["pools"]} == {"admission"}
    assert w["findings"][0]["stage"] == "admission"  # the order things bite
    text = run(str(cluster_file(tmp_path)), "-", stdin=PRIVILEGED_WINDOWS).stdout
    assert "rejected by the API server" in text and "stops at admission" in text


def test_daemonset_runs_one_pod_per_matching_node_and_exit_follows_fail_on():
    # issue 9: plan said "lands: linux, windows-2022, windows-2025" and exited 0 where lint reports an error
    r = run("-o", "json", "examples/log-agent-daemonset.yaml")
    (w,) = json.loads(r.stdout)["workloads"]
    assert w["daemon"] is True and w["pods"] == {"linux": 3, "windows-2022": 2, "windows-2025": 2}
    assert "daemonset-on-windows-nodes" in {f["rule"] for f in w["findings"]}
    assert r.returncode == 1
    lint = subprocess.run([str(Path(sys.executable).with_name("winkube")), "lint", "-o", "json", "examples/log-agent-daemonset.yaml"],
                          capture_output=True, text=True, cwd=ROOT)
    assert {(f["rule"], f["path"]) for f in json.loads(lint.stdout)["findings"]} == {(f["rule"], f["path"]) for f in w["findings"]}
    assert run("--fail-on", "none", "examples/log-agent-daemonset.yaml").returncode == 0
    text = run("examples/log-agent-daemonset.yaml").stdout
    assert "daemon: 7 pod(s) on linux, windows-2022, windows-2025" in text


AGENT = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: c, image: "mcr.microsoft.com/windows/nanoserver:ltsc2025"}]
"""


def test_daemonset_pods_on_pools_where_they_cannot_start_are_named(tmp_path):
    ds = AGENT
    r = run(str(cluster_file(tmp_path)), "-", stdin=ds)
    assert r.returncode == 1
    assert "daemon: 1 pod(s) on win2025; fails on linux (1 node, ImageOS), win2022 (2 nodes, ImageBuild)" in r.stdout, r.stdout


def test_a_pod_pinned_by_hostname_lands_on_that_node():
    # kubernetes.io/hostname is each node's own (pools leave it out of their shared labels): the pool is
    # judged node by node, also after a split by load, and plan names the node
    prof = _profile(node("w22-1"), node("w22-2"), node("w22-3"))
    pods = [{"spec": {"nodeName": "w22-1", "containers": [{"name": "c", "resources": {"requests": {"cpu": "4"}}}]}}]
    pod = yaml.safe_load(UNTOLERATED.replace("  containers:", "  tolerations: [{operator: Exists}]\n  containers:"))
    pod["spec"]["nodeSelector"] = {"kubernetes.io/os": "windows", "kubernetes.io/hostname": "w22-3"}
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "1"}}
    plan = Planner(prof, node_usage(pods)).plan(pod)
    assert [p.name for p in plan.landing] == ["win2022"] and plan.verdict("win2022").nodes == ["w22-3"]
    pod["spec"]["nodeSelector"]["kubernetes.io/hostname"] = "w22-1"  # its only node is full
    plan = Planner(prof, node_usage(pods)).plan(pod)
    assert plan.landing == [] and plan.verdict("win2022").failures == [("NodeResourcesFit", "Insufficient cpu")]


def test_may_land_names_the_value_the_pod_requires():
    # "carry the label agentpool" would be true of a node with agentpool=sys, where it does not land
    pod = UNTOLERATED.replace("{kubernetes.io/os: windows}", "{kubernetes.io/os: windows, agentpool: win1}")
    r = run("--no-config", "-", stdin=pod)
    assert r.returncode == 0, r.stderr
    assert "may land: windows-2022, windows-2025 (if their nodes carry the label(s) agentpool=win1 the pod selects on" in r.stdout
    assert "? schedulable if its nodes carry agentpool=win1 (the profile cannot see it)" in r.stdout


def test_daemonset_pinned_to_nodes_runs_one_pod_per_picked_node(tmp_path):
    # a DaemonSet pod per node that passes the filters: picked by hostname (or metadata.name), that is
    # those nodes, not every node of their pool
    ds = AGENT.replace("ltsc2025", "ltsc2022").replace("      containers:", """\
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
        {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [w22-2, w25-1]}]}]}}}
      containers:""")
    r = run(str(cluster_file(tmp_path)), "-", stdin=ds)
    assert "daemon: 2 pod(s) on win2022, win2025" in r.stdout, r.stdout  # not 3: one of win2022's 2 nodes
    r = run(str(cluster_file(tmp_path)), "-", "-o", "json", stdin=ds)
    assert json.loads(r.stdout)["workloads"][0]["pods"] == {"win2022": 1, "win2025": 1}
    by_name = ds.replace("matchExpressions: [{key: kubernetes.io/hostname,", "matchFields: [{key: metadata.name,")
    r = run(str(cluster_file(tmp_path)), "-", "-o", "json", stdin=by_name)
    assert json.loads(r.stdout)["workloads"][0]["pods"] == {"win2022": 1, "win2025": 1}


def test_a_pool_the_kubelet_refuses_says_so_where_only_unseen_labels_object():
    # spec.os.name: windows and only agentpool=win1 (which the default cannot see): on the Linux pool
    # the scheduler's objection is unknowable, the kubelet's PodOSNotSupported is certain
    pod = UNTOLERATED.replace("nodeSelector: {kubernetes.io/os: windows}", "os: {name: windows}\n  nodeSelector: {agentpool: win1}")
    r = run("--no-config", "-", stdin=pod)
    row = next(line for line in r.stdout.splitlines() if line.startswith("Pod shop/iis"))
    assert row.split()[2:5] == ["✗", "kubelet", "PodOSNotSupported"], row
    assert ("linux (linux/amd64, 3 nodes): ✗ stops at kubelet (the scheduler's only objection is agentpool=win1, "
            "which the profile cannot see)") in r.stdout
    r = run("--no-config", "-o", "json", "-", stdin=pod)
    pools = {p["pool"]: p for p in json.loads(r.stdout)["workloads"][0]["pools"]}
    assert pools["linux"]["result"] == "kubelet" and pools["linux"]["unseenLabelsOnly"] is True
