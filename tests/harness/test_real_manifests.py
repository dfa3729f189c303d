"""Real manifests (shared/corpus/real-windows and real-linux) through the real kube-apiserver.

Every Pod / workload object in the corpus is sent with server-side dry-run; the OS-dependent part
of the verdict must equal winkube.api.admission_errors(obj) exactly.

Corpus objects were written for other clusters, so the server may also reject them for reasons
that have nothing to do with the OS (an old apiVersion, a selector that does not match, a missing
name in a templated file...). Therefore:
  * objects are sent to one namespace created for the purpose (the namespace does not enter any OS
    rule, and templated namespace names such as ${NAMESPACE} are not valid names);
  * the apiVersion is replaced by the one kube-apiserver serves for that kind today (apps/v1,
    batch/v1, v1): extensions/v1beta1 and apps/v1beta* are gone, and the pod-template validation,
    including the field paths, is the same for every version of a kind;
  * the server's causes are filtered to the OS-dependent ones (verdict.is_os_cause: the messages of
    validateWindows / validateLinux / validateWindowsHostProcessPod / the Windows branch of
    validatePodResources, and the paths of windowsOptions content, spec.os and stopSignal errors).
    Within one request kube-apiserver accumulates every validation error, so non-OS errors do not
    hide OS ones. Answers that are not a validation verdict at all (400 decode errors) are listed,
    not compared.
Objects of other kinds (Services, ConfigMaps, CRDs...) are not workloads and are skipped.
"""

from __future__ import annotations

import copy
import json

import httpx
import pytest

from .controlplane import shared_dir
from .podgen import API
from .verdict import dry_run_create, os_causes
from .winkube_side import format_diff, short, winkube_answer, winkube_api, write_regression

CORPUS_NS = "winkube-corpus"


def corpus_dirs() -> list[str]:
    base = shared_dir() / "corpus"
    dirs = [base / "real-windows", base / "real-linux"]
    for d in dirs:
        assert d.is_dir(), f"corpus folder missing: {d}"
    return [str(d) for d in dirs]


def test_real_manifests_match_kube_apiserver(kube: httpx.Client, namespace, kube_version: str):
    api = winkube_api()
    ns = namespace(CORPUS_NS)
    objects, unreadable = api.read_objects(corpus_dirs())
    assert objects, "read_objects found no objects in the corpus"
    compared, not_comparable, disagreements = 0, [], []
    with_os_findings = 0
    uses_os_fields = 0  # objects that set spec.os or windowsOptions, i.e. that OS rules look at
    for path, obj in objects:
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        if kind not in API:
            continue
        body = copy.deepcopy(obj)
        meta = body.get("metadata")
        if not isinstance(meta, dict):
            body["metadata"] = meta = {}
        response = dry_run_create(kube, body, ns)
        if 200 <= response.status_code < 300:
            server = set()
        elif response.status_code == 422:
            server = os_causes((response.json().get("details") or {}).get("causes") or [])
        else:
            not_comparable.append(f"{path} {kind}/{meta.get('name')}: HTTP {response.status_code} {response.text[:200]}")
            continue
        compared += 1
        with_os_findings += bool(server)
        text = json.dumps(obj)
        uses_os_fields += '"windowsOptions"' in text or '"os": {' in text
        try:
            mine = winkube_answer(api, obj, kube_version)
        except Exception as exc:
            mine = {("<winkube raised>", f"{type(exc).__name__}: {exc}")}
        if mine != server:
            reg = write_regression({
                "note": f"corpus {path}", "mode": "create", "filter": "os", "api_kind": kind,
                "kube_version": kube_version, "object": obj,
                "server": sorted(map(list, server)), "winkube": sorted(map(list, mine)),
            })
            disagreements.append(f"{path} {kind}/{meta.get('name')} -> {reg}\n{format_diff(server, mine)}\n{short(obj, 1500)}")

    print(f"\nreal manifests: {len(objects)} objects read, {compared} workload objects compared "
          f"({uses_os_fields} setting spec.os or windowsOptions, {with_os_findings} with OS findings), {len(not_comparable)} not comparable, "
          f"{len(unreadable)} unreadable documents")
    for line in unreadable:
        print(f"  unreadable: {line}")
    for line in not_comparable:
        print(f"  not comparable: {line}")
    assert compared >= 60, f"only {compared} corpus workloads could be compared"
    # (at v1.37.2 no corpus object breaks an OS rule at admission, so agreement here is mostly
    # about winkube raising no false positives on real manifests that do use the OS fields)
    assert uses_os_fields >= 10, f"only {uses_os_fields} compared objects set spec.os or windowsOptions"
    if disagreements:
        pytest.fail(
            f"{len(disagreements)} of {compared} corpus objects: winkube differs from kube-apiserver {kube_version}:\n\n"
            + "\n\n".join(disagreements),
            pytrace=False,
        )
