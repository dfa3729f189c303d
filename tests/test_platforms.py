"""Platform profiles (knowledge/platforms.yaml): every row sourced, the generated pools, the
command line (--profile NAME, `winkube profile list`, `platform:` in .winkube.yaml)."""
from __future__ import annotations

import json

import pytest
import yaml
from test_cli import run

from winkube.config import ConfigError, load_config
from winkube.model.platforms import names, offered_builds, platform_profile, platforms
from winkube.model.profile import LABEL_OS, load_profile

PLATFORMS = ["aks", "eks", "gke", "openshift", "rke2", "capz", "kubeadm"]
WINDOWS_DS = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      containers: [{name: c, image: mcr.microsoft.com/windows/nanoserver:ltsc2022}]
"""


def test_the_platforms_asked_for_are_there():
    assert names() == PLATFORMS


@pytest.mark.parametrize("name", PLATFORMS)
def test_every_row_names_its_source(name):
    p = platforms()[name]
    rows = list(p["providerLabels"].values()) + list(p["windowsLabels"].values()) + p["windowsBuilds"] \
        + [p["windowsTaintsSource"], p["containerd"]]
    for row in rows:
        assert row["source"].strip(), (name, row)
        assert row["checked"] in ("read", "reference", "example", "unconfirmed"), (name, row)


@pytest.mark.parametrize("name", PLATFORMS)
def test_generated_profile_has_a_linux_pool_and_the_offered_windows_builds(name):
    prof = platform_profile(name, (1, 37))
    assert [p.os for p in prof.pools][0] == "linux"
    builds = sorted(p.windows_build for p in prof.windows_pools)
    assert builds == sorted(offered_builds(name, (1, 37))) and builds
    for pool in prof.pools:
        assert pool.labels[LABEL_OS] == pool.os
        assert set(platforms()[name]["providerLabels"]) <= set(pool.labels)
    assert prof.open_labels == frozenset(platforms()[name]["providerLabels"])


def test_platform_facts_the_issue_names():
    gke = platform_profile("gke")
    assert all(t.key == "node.kubernetes.io/os" and t.value == "windows" for p in gke.windows_pools for t in p.taints)
    assert not any(p.taints for p in platform_profile("aks").windows_pools)
    assert not any(p.taints for p in platform_profile("eks").windows_pools)
    assert {t.value for p in platform_profile("openshift").windows_pools for t in p.taints} == {"Windows"}
    assert "agentpool" in platform_profile("aks").open_labels
    assert "cloud.google.com/gke-nodepool" in platform_profile("gke").open_labels


def test_windows_builds_follow_the_release():
    assert offered_builds("aks", (1, 30)) == [17763, 20348]
    assert offered_builds("aks", (1, 37)) == [26100]
    assert [p.windows_build for p in load_profile("aks", (1, 33)).windows_pools] == [20348, 26100]


def test_lint_with_a_platform_profile_sees_its_taint():
    r = run("lint", "--profile", "gke", "-", stdin=WINDOWS_DS)
    assert "add a toleration for node.kubernetes.io/os=windows:NoSchedule" in r.stdout
    r = run("lint", "--profile", "aks", "-", stdin=WINDOWS_DS)
    assert "node.kubernetes.io/os=windows:NoSchedule" not in r.stdout


def test_profile_list():
    r = run("profile", "list")
    assert r.returncode == 0
    for name in PLATFORMS:
        assert f"\n{name} " in r.stdout
    assert "source: " in r.stdout
    doc = json.loads(run("profile", "list", "-o", "json", "--kube-version", "1.31").stdout)
    assert (doc["apiVersion"], doc["kind"], doc["kubeVersion"]) == ("winkube.io/v1", "PlatformList", "1.31")
    rows = doc["platforms"]
    assert [r["name"] for r in rows] == PLATFORMS and all(r["sources"] for r in rows)
    assert yaml.safe_load(run("profile", "list", "-o", "yaml", "--kube-version", "1.31").stdout) == doc


def test_unknown_platform_is_a_clear_error():
    r = run("lint", "--profile", "akz", "-", stdin=WINDOWS_DS)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_config_platform_key(tmp_path):
    cfg = tmp_path / ".winkube.yaml"
    cfg.write_text("platform: gke\n")
    assert load_config(cfg).platform == "gke"
    (tmp_path / "ds.yaml").write_text(WINDOWS_DS)
    r = run("lint", "--config", str(cfg), str(tmp_path / "ds.yaml"))
    assert "node.kubernetes.io/os=windows:NoSchedule" in r.stdout
    cfg.write_text("platform: gkee\n")
    with pytest.raises(ConfigError, match="did you mean"):
        load_config(cfg)
    (tmp_path / "x.yaml").write_text("name: x\n")
    cfg.write_text("platform: gke\nprofile: x.yaml\n")
    with pytest.raises(ConfigError, match="both given"):
        load_config(cfg)
