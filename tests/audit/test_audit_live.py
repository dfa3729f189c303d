"""winkube audit against the real kube-apiserver: a mixed Windows/Linux cluster (tests/audit/scenario.py),
live and from a kubectl-style dump, with a restricted service account (partial results), and the
HTML report rendered in headless Chromium."""
from __future__ import annotations

import io
import json
import time

import pytest
import yaml

from winkube.audit.collect import Progress
from winkube.cli import main

from rbackit import apply as apply_rbac, sa_kubeconfig
from scenario import NS, build, dump


@pytest.fixture(scope="module")
def cluster(kube, register_node, namespace, control_plane):
    build(kube, register_node, namespace)
    return control_plane


def _audit(capsys, *args) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _workload(report: dict, kind: str, name: str) -> dict:
    found = [w for w in report["workloads"] if w["kind"] == kind and w["name"] == name]
    assert found, f"{kind} {name} not among {[(w['kind'], w['name']) for w in report['workloads']]}"
    return found[0]


def _rules(w: dict) -> set[str]:
    return {f["rule"] for f in w["findings"]}


def _failures(report: dict) -> set[tuple]:
    return {(g["id"], (g["workload"] or {}).get("kind"), (g["workload"] or {}).get("name"), g["pool"], g["count"])
            for g in report["failures"]}


@pytest.fixture(scope="module")
def live_report(cluster):
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS, "-o", "json"])
    return code, json.loads(buf.getvalue())


def test_live_audit_pools_from_real_nodes(live_report):
    code, r = live_report
    assert code == 1
    assert r["serverVersion"].startswith("v1.37") and r["kubeVersion"] == "1.37" and r["partial"] == []
    pools = {p["name"]: p for p in r["pools"]}
    assert {"audit-win2019", "audit-win2022", "audit-win2025", "audit-linux"} <= set(pools)
    w19 = pools["audit-win2019"]
    assert (w19["os"], w19["windowsBuild"], w19["count"]) == ("windows", "10.0.17763", 2)
    assert w19["containerRuntime"] == "containerd://1.6.14" and w19["kernelVersion"] == "10.0.17763.1397"
    assert sorted(w19["nodes"]) == ["audit-win2019-a", "audit-win2019-b"]
    # node rules ran on the Node objects: WS2019 is not a supported Windows version for 1.37 docs
    assert "node-windows-version-unsupported" in {f["rule"] for f in w19["findings"]}
    assert "node-containerd-below-recommended" in {f["rule"] for f in w19["findings"]}
    assert pools["audit-win2025"]["windowsBuild"] == "10.0.26100"
    assert r["summary"]["nodeSignaturesChecked"] <= r["summary"]["read"]["Node"]


def test_live_audit_workloads_through_the_engine(live_report):
    _, r = live_report
    assert "daemonset-on-windows-nodes" in _rules(_workload(r, "DaemonSet", "log-agent"))
    assert "image-build-incompatible" in _rules(_workload(r, "Deployment", "web"))
    assert "linux-shell-in-windows-container" in _rules(_workload(r, "StatefulSet", "db"))
    assert not [f for f in _workload(r, "Deployment", "iis-2019")["findings"] if f["severity"] == "error"]
    _workload(r, "CronJob", "report")
    _workload(r, "Job", "migrate")
    _workload(r, "ReplicaSet", "orphan")  # no owner: checked itself
    names = {(w["kind"], w["name"]) for w in r["workloads"]}
    assert ("ReplicaSet", "web-5d8f7c9b6") not in names  # its Deployment's template was checked
    assert not any(k == "Pod" and n.startswith(("web-", "db-")) for k, n in names)  # owned pods: statuses only
    assert ("Pod", "wrong-os") in names and ("Pod", "sandbox-stuck") in names  # bare pods are workloads
    # the matrix: web lands on every Windows pool, fails now on 2022, cannot land on Linux
    cells = _workload(r, "Deployment", "web")["pools"]
    assert cells["audit-win2022"]["stage"] == "runtime" and cells["audit-win2022"]["now"] is True
    assert cells["audit-win2025"]["stage"] == "runtime" and cells["audit-win2025"]["lands"]
    # on 2019 nothing fails: the only thing there is the practice advice to set requests (the
    # scenario's containers have none: windows-container-without-requests)
    assert cells["audit-win2019"]["stage"] == "practice" and cells["audit-win2019"]["lands"]
    assert "windows-container-without-requests" in _rules(_workload(r, "Deployment", "web"))
    assert cells["audit-linux"]["lands"] is False
    ds = _workload(r, "DaemonSet", "log-agent")["pools"]
    assert ds["audit-linux"]["lands"] and ds["audit-win2022"]["lands"]


def test_live_audit_failures_happening_now(live_report):
    _, r = live_report
    got = _failures(r)
    assert ("E2", "Deployment", "web", "audit-win2022", 2) in got  # two pods' waiting reasons, one group
    assert ("E16", "Pod", "wrong-os", "audit-linux", 1) in got  # kubelet admission rejection
    assert ("E10", "Pod", "sandbox-stuck", "audit-win2025", 12) in got  # Event FailedCreatePodSandBox × 12
    assert ("E34", "StatefulSet", "db", "audit-win2022", 7) in got  # Event Failed on the StatefulSet's pod
    assert len(got) == 4  # the healthy pod and its Normal event match nothing
    e16 = next(g for g in r["failures"] if g["id"] == "E16")
    assert e16["stage"] == "kubelet" and e16["cause"] and e16["fix"] and "predicate.go" in e16["source"]
    assert e16["reason"] == "PodOSNotSupported" and e16["where"] == "status"


def test_text_output(cluster, capsys):
    code, out, err = _audit(capsys, "--kubeconfig", str(cluster.kubeconfig), "-n", NS)
    assert code == 1
    assert "Failures happening now" in out and "E10" in out and "cause:" in out and "fix:" in out
    assert "audit-win2019 (windows/amd64 10.0.17763) × 2" in out
    assert "PARTIAL" not in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_dump_gives_the_same_audit(cluster, kube, tmp_path, capsys, live_report):
    _, live = live_report
    dump(kube, tmp_path / "dump.json")
    code, out, _ = _audit(capsys, "-f", str(tmp_path / "dump.json"), "-o", "json")
    offline = json.loads(out)
    assert code == 1
    assert _failures(offline) == _failures(live)

    def findings(rep):
        return {(w["kind"], w["name"], f["rule"], f["path"]) for w in rep["workloads"] for f in w["findings"]}

    assert findings(offline) == findings(live)
    # as YAML too (kubectl get -o yaml)
    (tmp_path / "dump.yaml").write_text(yaml.safe_dump(json.loads((tmp_path / "dump.json").read_text())))
    code, out, _ = _audit(capsys, "-f", str(tmp_path / "dump.yaml"), "-o", "json")
    assert _failures(json.loads(out)) == _failures(live)


def test_restricted_account_gives_a_partial_report_then_rbac_fixes_it(cluster, kube, tmp_path, capsys):
    kc = sa_kubeconfig(cluster, kube, tmp_path, NS, "auditor")
    # only nodes and RuntimeClasses
    apply_rbac(kube, [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "winkube-test-nodes-only"},
         "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]},
                   {"apiGroups": ["node.k8s.io"], "resources": ["runtimeclasses"], "verbs": ["list"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "winkube-test-nodes-only"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "winkube-test-nodes-only"},
         "subjects": [{"kind": "ServiceAccount", "name": "auditor", "namespace": NS}]}])
    deadline = time.monotonic() + 10
    while True:
        code, out, err = _audit(capsys, "--kubeconfig", kc, "-n", NS)
        if "Node: missing permission" not in out or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert "PARTIAL RESULT" in out
    assert f'Pod: missing permission: list "pods" in API group "" in namespace "{NS}"' in out
    assert f'Deployment: missing permission: list "deployments" in API group "apps" in namespace "{NS}"' in out
    assert "winkube audit rbac | kubectl apply -f -" in out
    assert "audit-win2019 (windows/amd64 10.0.17763) × 2" in out  # what could be read is reported
    code, out, _ = _audit(capsys, "--kubeconfig", kc, "-n", NS, "-o", "json")
    rep = json.loads(out)
    assert {m["kind"] for m in rep["partial"]} == {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "CronJob",
                                                   "Job", "Pod", "Event"}

    # grant exactly what `winkube audit rbac` prints, bound to the account
    code, out, _ = _audit(capsys, "rbac", "--subject", f"serviceaccount:{NS}:auditor")
    assert code == 0
    apply_rbac(kube, [d for d in yaml.safe_load_all(out) if d])
    deadline = time.monotonic() + 10
    while True:
        code, out, _ = _audit(capsys, "--kubeconfig", kc, "-n", NS, "-o", "json")
        rep = json.loads(out)
        if not rep["partial"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rep["partial"] == [] and code == 1
    assert len(_failures(rep)) == 4


def test_unreachable_cluster_is_an_error_not_a_traceback(tmp_path, capsys):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kc = tmp_path / "kc"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "x",
        "clusters": [{"name": "c", "cluster": {"server": f"https://127.0.0.1:{port}", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}]}))
    t0 = time.monotonic()
    code, out, err = _audit(capsys, "--kubeconfig", str(kc), "--request-timeout", "1")
    assert code == 2 and "cannot connect" in err and "Traceback" not in err and out == ""
    assert time.monotonic() - t0 < 10


def test_flags():
    assert main(["audit", "-n", "x", "-A", "-f", "/dev/null"]) == 2


def test_progress_counter_on_a_terminal():
    buf = io.StringIO()
    p = Progress(enabled=True, stream=buf)
    for i in range(1, 1201):
        p.tick("pods", i)
    p.done()
    assert "\rreading pods… 500" in buf.getvalue().replace("\x1b[K", "") and buf.getvalue().endswith("\r\x1b[K")
    silent = io.StringIO()
    Progress(stream=silent).tick("pods", 5000)  # not a terminal: nothing
    assert silent.getvalue() == ""


def test_matrix_colours_scheduling_findings_on_the_pools_they_name(live_report):
    _, r = live_report
    ds = _workload(r, "DaemonSet", "log-agent")["pools"]
    assert ds["audit-win2019"]["stage"] == "scheduling" and ds["audit-linux"]["stage"] is None
    wrong = _workload(r, "Pod", "wrong-os")["pools"]
    assert wrong["audit-linux"]["stage"] == "scheduling" and wrong["audit-linux"]["now"]


def test_dump_without_owners_judges_them_from_their_pods(cluster, kube, tmp_path, capsys):
    """`kubectl get pods,events -o json` alone: the web pods' ReplicaSet is not in the dump, so its
    template is judged from one of its pods, and the failures still group under one row."""
    dump(kube, tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    data["items"] = [o for o in data["items"] if o["kind"] in ("Node", "Pod", "Event")]
    (tmp_path / "pods.json").write_text(json.dumps(data))
    code, out, _ = _audit(capsys, "-f", str(tmp_path / "pods.json"), "-o", "json")
    rep = json.loads(out)
    assert code == 1
    web_rows = [w for w in rep["workloads"] if w["kind"] == "Pod" and w["name"].startswith("web-5d8f7c9b6-")]
    assert len(web_rows) == 1  # one stand-in for the ReplicaSet, not one row per pod
    assert "image-build-incompatible" in _rules(web_rows[0])
    e2 = [g for g in rep["failures"] if g["id"] == "E2"]
    assert len(e2) == 1 and e2[0]["count"] == 2 and e2[0]["workload"]["name"] == web_rows[0]["name"]


def test_audit_honours_disable_and_config(tmp_path):
    # the same rule switches as lint: --disable and .winkube.yaml's rules
    import json
    import subprocess
    import sys
    from pathlib import Path
    node = {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "w1", "labels": {"kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64"}},
        "status": {"nodeInfo": {"operatingSystem": "windows", "kernelVersion": "10.0.20348.2113",
                                "containerRuntimeVersion": "containerd://2.2.1", "kubeletVersion": "v1.37.2"}}}]}
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(node))
    exe = str(Path(sys.executable).parent / "winkube")

    def rules(*extra):
        r = subprocess.run([exe, "audit", "-f", str(dump), "-o", "json", "--no-config", *extra], capture_output=True, text=True, timeout=120)
        out = json.loads(r.stdout)
        return {f["rule"] for f in _walk_findings(out)}

    before = rules()
    assert "node-windows-build-label-missing" in before
    assert "node-windows-build-label-missing" not in rules("--disable", "node-windows-build-label-missing")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("rules:\n  node-windows-build-label-missing: off\n")
    r = subprocess.run([exe, "audit", "-f", str(dump), "-o", "json", "--config", str(cfg)], capture_output=True, text=True, timeout=120)
    assert "node-windows-build-label-missing" not in {f["rule"] for f in _walk_findings(json.loads(r.stdout))}


def _walk_findings(value):
    """Every finding object anywhere in audit's JSON (nodes, workloads, RuntimeClasses)."""
    if isinstance(value, dict):
        if "rule" in value and "stage" in value:
            yield value
        for v in value.values():
            yield from _walk_findings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_findings(v)


def test_unreadable_dump_input_is_exit_2_and_the_rest_is_audited(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [\n")
    good = tmp_path / "nodes.json"
    good.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": "w1", "labels": {"kubernetes.io/os": "windows"}}}]}))
    r = subprocess.run([str(Path(sys.executable).parent / "winkube"), "audit", "--no-config", "-f", str(bad), "-f", str(good)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "bad.yaml:2: invalid YAML" in r.stdout and "1 nodes in 1 pools" in r.stdout
    assert "Traceback" not in r.stderr


def test_a_server_outside_the_range_is_named_not_silently_clamped(cluster, server_outside_range):
    """The real server runs v1.37.2; knowledge whose newest release is one older (a data override in
    $WINKUBE_KNOWLEDGE_DIR, as a user would ship newer data, not a mock) puts it outside the range:
    the nearest release's rules apply and the report says so, in text and JSON, without an error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from winkube.knowledge import OVERRIDE_ENV

    knowledge, newest, older, note = server_outside_range
    exe = str(Path(sys.executable).parent / "winkube")
    env = dict(os.environ, **{OVERRIDE_ENV: str(knowledge), "NO_COLOR": "1"})
    r = subprocess.run([exe, "audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS, "-o", "json"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    assert doc["serverVersion"].startswith(f"v{newest}.") and doc["kubeVersion"] == older
    # the range note comes first, once; the kubelet-configuration notes of this cluster's pools follow it
    assert doc["notes"][0] == note and doc["notes"].count(note) == 1 and note not in " ".join(doc["errors"])
    r = subprocess.run([exe, "audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS],
                       capture_output=True, text=True, env=env, timeout=300)
    assert f"note: {note}\n" in r.stdout and f"(rules of {older})" in r.stdout.splitlines()[0]
    # with the shipped data the same server is inside the range: no note
    plain = subprocess.run([exe, "audit", "--kubeconfig", str(cluster.kubeconfig), "-n", NS, "-o", "json"],
                           capture_output=True, text=True, timeout=300, env={k: v for k, v in os.environ.items() if k != OVERRIDE_ENV})
    plain_notes = json.loads(plain.stdout)["notes"]  # only kubelet-configuration notes remain: no range note
    assert all(n.startswith("kubelet configuration") for n in plain_notes) and json.loads(plain.stdout)["kubeVersion"] == newest
