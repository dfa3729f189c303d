"""The structural verdict on every workload of ../shared/corpus (real manifests published by others),
against the real kube-apiserver (dryRun=All, fieldValidation=Strict): served apiVersion, decoding,
unknown fields and node-label warnings must agree exactly, and the misses the corpus holds are found."""
from __future__ import annotations

import copy
import json
from collections import Counter

import httpx
import pytest

from . import structgen
from .controlplane import shared_dir
from .test_structure_differential import NS, agree, server_verdict
from .winkube_side import winkube_api

KINDS = set(structgen.podgen.WORKLOAD_KINDS)


def corpus_workloads():
    api = winkube_api()
    corpus = shared_dir() / "corpus"
    objects, _errors = api.read_objects([str(corpus / "real-windows"), str(corpus / "real-linux")])
    out = []
    for file, obj in objects:
        if obj.get("kind") in KINDS and isinstance(obj.get("metadata"), dict):
            obj = copy.deepcopy(obj)
            obj["metadata"].pop("namespace", None)
            out.append((file.split("/corpus/", 1)[-1], obj))
    return out


def test_structure_on_real_manifests(kube: httpx.Client, namespace, kube_version: str):
    namespace(NS)
    api = winkube_api()
    workloads = corpus_workloads()
    assert len(workloads) >= 100, f"only {len(workloads)} workloads found in the corpus"
    answers, failures = {}, []
    for file, obj in workloads:
        r = kube.post(structgen.request_path(obj, NS), params={"dryRun": "All", "fieldValidation": "Strict"},
                      content=json.dumps(obj))
        server = server_verdict(r)
        mine = api.structural_verdict(obj, kube_version)
        answers[(file, obj["metadata"].get("name"))] = (server, mine)
        if not agree(server, mine):
            failures.append(f"{file} {obj['kind']}/{obj['metadata'].get('name')}:\n  server  {server}\n  winkube {mine}")
    print("\n" + ", ".join(f"{k}: {n}" for k, n in Counter(s["answer"] for s, _ in answers.values()).items()))
    if failures:
        pytest.fail(f"{len(failures)} real workloads differ:\n" + "\n".join(failures), pytrace=False)

    def answer(file_part, name):
        hits = [v for (f, n), v in answers.items() if file_part in f and n == name]
        assert hits, f"{file_part} {name} not in the corpus"
        return hits[0][0]

    # the misses this corpus holds, each as the server answers it
    kube_proxy = answer("sig-windows-tools__hostprocess__antrea__kube-proxy__kube-proxy.yml", "kube-proxy-windows")
    assert kube_proxy == {"answer": "unknown", "fields": ["spec.template.spec.volumes[0].configMap.item"]}
    assert answer("microsoft__SDN__Kubernetes__PortMapping.yaml", "win-webserver")["answer"] == "not-served"
    emptydir = answer("kubernetes__website__content__en__examples__windows__emptydir-pod.yaml", "my-empty-dir-pod")
    assert any("beta.kubernetes.io/os" in w for w in emptydir["warnings"])


# The corpus's Deployments that were written for extensions/v1beta1, which defaulted the selector
# from the template's labels. winkube's api-version-not-served finding says "use apps/v1"; done as
# it says, each of these real manifests is then refused for the selector apps/v1 requires.
NO_SELECTOR = [
    ("microsoft__SDN__Kubernetes__flannel__l2bridge__manifests__simpleweb.yml", "win-webserver"),
    ("microsoft__SDN__Kubernetes__PortMapping.yaml", "win-webserver"),
    ("kubernetes-sigs__sig-windows-tools__linux-node-selector-adder__deployment__deployment.yaml", None),
]


def test_removed_api_version_then_missing_selector(kube: httpx.Client, namespace, kube_version: str):
    from winkube.engine import Engine, Options
    from winkube.model.paths import render
    from winkube.k8s.releases import require as require_kube_version

    namespace(NS)
    api = winkube_api()
    engine = Engine(Options(kube_version=require_kube_version(kube_version), locate=False))
    workloads = corpus_workloads()
    checked = []
    for file_part, name in NO_SELECTOR:
        found = [obj for f, obj in workloads if file_part in f and obj["kind"] == "Deployment"
                 and (name is None or obj["metadata"].get("name") == name)]
        assert found, f"{file_part} has no Deployment {name or ''} in the corpus"
        obj = found[0]
        assert obj["apiVersion"] == "extensions/v1beta1" and "selector" not in obj["spec"], obj["apiVersion"]
        before = {f.rule for f in engine.check_object(obj)}
        assert "api-version-not-served" in before and "required-value" not in before, before

        moved = {**copy.deepcopy(obj), "apiVersion": "apps/v1"}
        r = kube.post(structgen.request_path(moved, NS), params={"dryRun": "All", "fieldValidation": "Strict"},
                      content=json.dumps(moved))
        server = server_verdict(r)
        mine = api.structural_verdict(moved, kube_version)
        assert agree(server, mine), f"{file_part}:\n  server  {server}\n  winkube {mine}"
        assert ["spec.selector", "Required"] in server["causes"], server
        findings = [(f.rule, render(f.path), f.error_type, f.message) for f in engine.check_object(moved)]
        assert ("required-value", "spec.selector", "Required", "Required value") in findings, findings
        checked.append(file_part)
    print(f"\n{len(checked)} real extensions/v1beta1 Deployments refused as apps/v1 for spec.selector, as winkube says")
