"""The targeting misses of issue 12 ("Why"), each on a real manifest published by others
(tests/data/real-why/targeting: byte-exact, repository, path, lines, commit and licence in
SOURCES.tsv, every finding reviewed in REVIEW.md), and the F1 false finding of the grown corpus.

The findings asserted are the exact ones (rule, field path, severity, and for an unseen label the
label named), with the embedded default profile and with the platform profile the manifest was
written for."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from rules.lintkit import findings, only
from test_cli import ROOT, run

from winkube.model.finding import Severity
from winkube.model.platforms import platform_profile
from winkube.model.podview import pod_view
from winkube.model.profile import default_profile
from winkube.targeting import resolve

DATA = Path(__file__).parent.parent / "data"
GROWN = DATA / "corpus-grown"


def docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


def test_windows_options_that_ask_for_nothing_are_no_windows_intent():
    # F1: kyverno/policies disallow-host-process fixture (grown corpus, held out): 12 pods whose only
    # Windows sign is windowsOptions.hostProcess: false were taken for Windows pods (60 false findings)
    objs = docs(GROWN / "kyverno__policies__pod-security__baseline__disallow-host-process__.kyverno-test__resource.yaml")
    only_false = [o for o in objs if "hostProcess: false" in yaml.safe_dump(o) and "hostProcess: true" not in yaml.safe_dump(o)]
    assert len(only_false) == 12
    windows_rules = {"set-os-name", "windows-pod-can-land-on-linux", "host-network-without-host-process",
                     "windows-container-without-requests"}
    for o in only_false:
        assert resolve(pod_view(o), default_profile()).os_intent is None, o["metadata"]["name"]
        assert not [f for f in findings(o) if f.rule in windows_rules], o["metadata"]["name"]
    # the fixture's pods that do ask for a HostProcess container stay Windows pods
    host_process = [o for o in objs if "hostProcess: true" in yaml.safe_dump(o)]
    assert len(host_process) == 15
    for o in host_process:
        assert resolve(pod_view(o), default_profile()).os_intent == "windows"
        assert any(f.rule == "set-os-name" for f in findings(o))


# --- the real manifests of tests/data/real-why/targeting ----------------------------------------

REAL = DATA / "real-why" / "targeting"
NEWRELIC = REAL / "charts" / "newrelic-windows"
NR_WINDOWS_DS = "charts/newrelic-infrastructure/templates/kubelet/daemonset-windows.yaml"
AZURE_IIS = REAL / "MicrosoftDocs__azure-docs__articles__container-service__container-service-kubernetes-windows-walkthrough.md__L143-168.json"
DOCKERD_DS = REAL / "lippertmarkus__lippertmarkus.github.io___posts__2022-04-22-win-img-docker-hostprocess-k8s.md__L154-179.yaml"
DOCKER_JOB = REAL / "lippertmarkus__lippertmarkus.github.io___posts__2022-04-22-win-img-docker-hostprocess-k8s.md__L191-219.yaml"
JENKINS_POD = REAL / ("jenkinsci__kubernetes-plugin__src__test__resources__org__csanchez__jenkins__plugins__kubernetes__"
                      "pipeline__windowsContainer.groovy__L2-17.yaml")
SCHED = "no-schedulable-pool"


def profile_args(name: str | None) -> list[str]:
    return ["--profile", name] if name else []


def lint(path: Path, profile: str | None = None, helm: str | None = None) -> list[tuple]:
    """(file below the input, rule, severity, path, message) of `winkube lint -o json`."""
    rel = str(path.relative_to(ROOT))
    out = cli("lint", "--no-config", "-o", "json", *profile_args(profile), rel, helm=helm)
    return sorted((f["file"].removeprefix(rel + "/"), f["rule"], f["severity"], f["path"], f["message"]) for f in out["findings"])


def plan(path: Path, profile: str | None = None, helm: str | None = None) -> dict:
    """`winkube plan -o json`: workload name -> its plan."""
    return {w["name"]: w for w in cli("plan", "--no-config", "-o", "json", *profile_args(profile), str(path.relative_to(ROOT)),
                                      helm=helm)["workloads"]}


def cli(*args: str, helm: str | None = None) -> dict:
    r = run(*args, env={"WINKUBE_HELM": helm} if helm else None)
    assert r.returncode in (0, 1), r.stdout[-2000:] + r.stderr[-2000:]
    data = json.loads(r.stdout)
    assert data["errors"] == [], data["errors"]
    return data


def rules(found: list[tuple], rule: str) -> list[tuple]:
    return [f for f in found if f[1] == rule]


def test_daemonset_pinned_to_a_windows_build_no_pool_offers_runs_nowhere(helm):
    # newrelic/nri-kubernetes charts/newrelic-infrastructure, enableWindows: one kubelet DaemonSet per
    # windowsOsList entry, selecting kubernetes.io/os: windows and node.kubernetes.io/windows-build
    # (10.0.17763 and 10.0.20348 by default). Kubernetes 1.37 supports 2022 and 2025 only: the 2019
    # DaemonSet runs on no Windows pool (the chart's README shows it with DESIRED 0).
    found = rules(lint(NEWRELIC, helm=helm), SCHED)
    assert [f[:4] for f in found] == [(NR_WINDOWS_DS, SCHED, "warning", "spec.template.spec.nodeSelector")]
    assert "windows-2022: NodeAffinity (nodeSelector node.kubernetes.io/windows-build=10.0.17763 " in found[0][4]
    p = plan(NEWRELIC, helm=helm)
    assert p["release-name-nrk8s-kubelet-windows-ltsc2019"]["landingPools"] == []
    assert p["release-name-nrk8s-kubelet-windows-ltsc2019"]["mayLandOn"] == []
    assert p["release-name-nrk8s-kubelet-windows-ltsc2022"]["pods"] == {"windows-2022": 2}
    # its control-plane DaemonSet selects control-plane labels no pool of the default has: it may run
    assert p["release-name-nrk8s-controlplane"]["mayLandOn"] == ["linux"]
    assert p["release-name-nrk8s-controlplane"]["unseenLabels"][0] == "node-role.kubernetes.io/control-plane"
    # AKS at 1.37 offers Windows Server 2025 only (knowledge/platforms.yaml): both run nowhere, an error
    found = rules(lint(NEWRELIC, "aks", helm=helm), SCHED)
    assert [f[:3] for f in found] == [(NR_WINDOWS_DS, SCHED, "error")] * 2
    assert {f[4].split("windows-build=")[1][:10] for f in found} == {"10.0.17763", "10.0.20348"}
    # EKS and GKE still offer 2019 pools, and the chart tolerates every taint: nothing to say
    for platform in ("eks", "gke"):
        assert not rules(lint(NEWRELIC, platform, helm=helm), SCHED), platform
        assert plan(NEWRELIC, platform, helm=helm)["release-name-nrk8s-kubelet-windows-ltsc2019"]["pods"] == {"win2019": 2}


def test_windows_daemonset_without_the_toleration_on_a_tainted_platform():
    # lippertmarkus' dockerd HostProcess DaemonSet: kubernetes.io/os: windows and AKS's agentpool,
    # no toleration. GKE taints Windows nodes node.kubernetes.io/os=windows:NoSchedule: it runs on no
    # Windows pool there, and winkube names the label it cannot judge
    found = lint(DOCKERD_DS, "gke")
    f = rules(found, SCHED)
    assert [x[1:4] for x in f] == [(SCHED, "warning", "spec.template.spec.nodeSelector")]
    assert "cannot see the label(s) agentpool" in f[0][4]
    assert "win2022: TaintToleration (untolerated taint node.kubernetes.io/os=windows:NoSchedule)" in f[0][4]
    # AKS, whose label it is, and EKS set no Windows taint; the embedded default reads agentpool as AKS's
    for platform in (None, "aks", "eks"):
        assert not rules(lint(DOCKERD_DS, platform), SCHED), platform
    # written with replicas: 1, which a DaemonSet does not have: kubectl's strict validation refuses it
    assert ("unknown-field", "error", "spec.replicas") in {x[1:4] for x in found}


def test_provider_pool_label_is_understood_with_its_platform_and_named_without():
    # the docker-build Job of the same post selects agentpool: win1 (an AKS pool name)
    job = findings(docs(DOCKER_JOB)[0])
    assert not [f for f in job if f.rule == SCHED]
    p = plan(DOCKER_JOB)["docker-build-example"]
    assert p["unseenLabels"] == ["agentpool"] and p["mayLandOn"] == ["windows-2022", "windows-2025"]
    assert p["landingPools"] == [] and not p["lands"]
    # with the AKS profile agentpool is a label whose value varies per pool: understood, and the pod
    # may land on the Windows pool; nothing is reported
    assert not rules(lint(DOCKER_JOB, "aks"), SCHED)
    assert plan(DOCKER_JOB, "aks")["docker-build-example"]["mayLandOn"] == ["win2025"]
    # GKE has no agentpool and taints Windows nodes: a warning naming the label, and the fix
    f = only(findings(docs(DOCKER_JOB)[0], platform_profile("gke")), SCHED)
    assert f.severity is Severity.WARNING and f.path_str == "spec.template.spec.nodeSelector"
    assert "cannot see the label(s) agentpool" in f.message
    assert f.fix == "add a toleration for node.kubernetes.io/os=windows:NoSchedule"
    assert plan(DOCKER_JOB, "gke")["docker-build-example"]["mayLandOn"] == []


def test_pod_pinned_to_windows_server_2019_on_a_release_without_it():
    # jenkinsci/kubernetes-plugin windowsContainer.groovy: a Pod selecting windows-build 10.0.17763
    # with windowsservercore-1809 images and no Windows toleration
    found = lint(JENKINS_POD)
    f = rules(found, SCHED)
    assert [x[1:4] for x in f] == [(SCHED, "warning", "spec.nodeSelector")]
    assert "nodeSelector node.kubernetes.io/windows-build=10.0.17763 (pool has node.kubernetes.io/windows-build=10.0.20348)" in f[0][4]
    assert {x[3] for x in rules(found, "image-build-unsupported")} == {"spec.containers[0].image", "spec.containers[1].image"}
    f = rules(lint(JENKINS_POD, "gke"), SCHED)
    assert [x[2] for x in f] == ["error"] and "win2019: TaintToleration" in f[0][4] and "win2022: NodeAffinity" in f[0][4]
    assert not rules(lint(JENKINS_POD, "eks"), SCHED)  # EKS offers 2019 and sets no taint


def test_untagged_microsoft_iis_runs_on_no_supported_windows_server():
    # MicrosoftDocs/azure-docs: the ACS Windows walkthrough's iis.json Pod, image microsoft/iis (no
    # tag: the Docker Hub image built on Windows Server 2016, 14393)
    for platform in (None, "aks", "eks", "gke", "openshift", "rke2", "capz", "kubeadm"):
        f = [x for x in lint(AZURE_IIS, platform) if x[1] == "image-build-unsupported"]
        assert [x[1:4] for x in f] == [("image-build-unsupported", "error", "spec.containers[0].image")], platform
        assert f[0][4].startswith("microsoft/iis (docker.io/microsoft/iis:latest is 10.0.14393) is built for Windows Server 2016 (14393)")
    # on AKS nothing keeps it from being scheduled on the Windows pool: it is scheduled, then fails there
    p = plan(AZURE_IIS, "aks")["iis"]
    assert p["landingPools"] == ["win2025"] and p["startsOn"] == []
    assert [r["message"] for r in next(x for x in p["pools"] if x["pool"] == "win2025")["runtime"]] == [
        "microsoft/iis is built for Windows Server 2016 (14393), which win2025 (windows/amd64 10.0.26100) cannot run in process isolation"]


def test_the_reviewed_findings_with_the_default_profile_are_exactly_these(helm):
    # REVIEW.md reads every one of them (18, all true); a new or lost finding fails here
    found = sorted((f[0], f[1], f[2], f[3]) for f in lint(REAL, helm=helm))
    azure, jenkins, ds, job = AZURE_IIS.name, JENKINS_POD.name, DOCKERD_DS.name, DOCKER_JOB.name
    nr = "charts/newrelic-windows/" + NR_WINDOWS_DS
    assert found == sorted([
        (azure, "set-os-name", "info", "spec.os"),
        (azure, "windows-container-without-requests", "info", "spec.containers[0]"),
        (azure, "image-build-unsupported", "error", "spec.containers[0].image"),
        (azure, "no-schedulable-pool", "warning", "spec.nodeSelector"),
        (azure, "deprecated-node-label", "warning", "spec.nodeSelector[beta.kubernetes.io/os]"),
        (nr, "no-schedulable-pool", "warning", "spec.template.spec.nodeSelector"),
        (jenkins, "set-os-name", "info", "spec.os"),
        (jenkins, "windows-container-without-requests", "info", "spec.containers[0]"),
        (jenkins, "windows-container-without-requests", "info", "spec.containers[1]"),
        (jenkins, "image-build-unsupported", "error", "spec.containers[0].image"),
        (jenkins, "image-build-unsupported", "error", "spec.containers[1].image"),
        (jenkins, "field-type-mismatch", "error", "spec.containers[1].args[1]"),
        (jenkins, "no-schedulable-pool", "warning", "spec.nodeSelector"),
        (ds, "unknown-field", "error", "spec.replicas"),
        (ds, "set-os-name", "info", "spec.template.spec.os"),
        (ds, "windows-container-without-requests", "info", "spec.template.spec.containers[0]"),
        (job, "set-os-name", "info", "spec.template.spec.os"),
        (job, "windows-container-without-requests", "info", "spec.template.spec.containers[0]"),
    ])


def test_sources_are_recorded():
    # every committed manifest has its row (repository, path, commit, licence and where the licence
    # was read), and a block cut out of a document names the same line range in its file name
    import csv

    rows = {r["file"]: r for r in csv.DictReader((REAL / "SOURCES.tsv").open(), delimiter="\t")}
    files = {p.name for p in REAL.iterdir() if p.is_file() and p.name not in ("SOURCES.tsv", "REVIEW.md")}
    assert files == {f for f in rows if "/" not in f}, files ^ {f for f in rows if "/" not in f}
    for name in files:
        row = rows[name]
        assert row["repo"] and row["path"] and len(row["commit"]) == 40 and row["licence"] and row["licence source"], row
        assert row["lines"].split(" ")[0] == name.rsplit("__L", 1)[1].rsplit(".", 1)[0], row
    # the chart: every directory below charts/newrelic-windows/charts is a recorded upstream chart
    charts = {str(p.relative_to(REAL)) + "/" for p in (NEWRELIC / "charts").rglob("Chart.yaml")
              for p in [p.parent]}
    assert charts == {f for f in rows if f.startswith("charts/") and f.endswith("/")}, charts
    for f in charts:
        assert len(rows[f]["commit"]) == 40 and rows[f]["licence"] == "Apache-2.0", rows[f]
