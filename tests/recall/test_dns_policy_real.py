"""dns-policy-cluster-first-with-host-net on real manifests of ../shared/corpus.

No Windows manifest of the corpus sets the policy, so each test takes a real manifest as published
and adds only `dnsPolicy: ClusterFirstWithHostNet` to its pod spec (the shape the false finding was
seen on: a plain Windows workload that copied the policy from a Linux DaemonSet)."""
from __future__ import annotations

import pytest
import yaml
from harness.controlplane import shared_dir
from rules.lintkit import findings

from winkube.model.podview import pod_view

RULE = "dns-policy-cluster-first-with-host-net"


def real(name: str) -> list[dict]:
    text = (shared_dir() / "corpus" / "real-windows" / name).read_text()
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def with_policy(name: str) -> list[dict]:
    out = []
    for doc in real(name):
        view = pod_view(doc)
        if view is not None:
            view.spec["dnsPolicy"] = "ClusterFirstWithHostNet"
        out.append(doc)
    return out


def rule_hits(docs):
    return [f for d in docs for f in findings(d) if f.rule == RULE]


def test_plain_windows_deployment_is_not_reported():
    # kubernetes/website windows example: no hostNetwork, no HostProcess → the kubelet uses ClusterFirst
    docs = with_policy("kubernetes__website__content__en__examples__windows__deploy-resource.yaml")
    assert any(pod_view(d) is not None for d in docs)
    assert rule_hits(docs) == []


@pytest.mark.parametrize("name", [
    "kubernetes-sigs__sig-windows-tools__hostprocess__kube-proxy__kube-proxy.yml",  # HostProcess + hostNetwork
    "microsoft__SDN__Kubernetes__windows__debug__daemonset.yaml",
])
def test_host_network_windows_daemonset_is_reported(name):
    hits = rule_hits(with_policy(name))
    assert [h.path_str for h in hits] == ["spec.template.spec.dnsPolicy"]
