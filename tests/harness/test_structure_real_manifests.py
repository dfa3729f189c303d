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
