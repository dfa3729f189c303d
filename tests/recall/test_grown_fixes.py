"""The two fixes made while reviewing the grown corpus (tests/data/corpus-grown, tuning part), each
on the real manifest that showed the false finding or the miss (REVIEW.md has the whole review)."""
from __future__ import annotations

from pathlib import Path

import yaml
from rules.lintkit import WIN_POOL, by_rule, findings, only, profile

GROWN = Path(__file__).parent.parent / "data" / "corpus-grown"


def real(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((GROWN / name).read_text()) if isinstance(d, dict)]


def hits(name: str, rule: str, prof=None) -> list:
    return [f for d in real(name) for f in by_rule(findings(d, prof), rule)]


K2S_EXPORTER = "Siemens-Healthineers__K2s__addons__common__manifests__windows-exporter__daemonset.yaml"


def tainted(key: str, value: str):
    return profile([{**WIN_POOL, "taints": [{"key": key, "value": value, "effect": "NoSchedule"}]}])


def test_the_guessed_windows_taint_yields_to_the_pods_own_spelling():
    # K2s taints its Windows nodes OS=Windows:NoSchedule (lib/modules/k2s/k2s.cluster.module/system/
    # system.module.psm1) and its manifests tolerate exactly that; the embedded default's os=windows
    # is a guess, so the DaemonSet is not reported as fitting no pool
    assert hits(K2S_EXPORTER, "no-schedulable-pool") == []


def test_with_the_users_own_profile_taints_stay_case_sensitive():
    # on a cluster that really taints os=windows the K2s toleration does not match: reported
    f = only([f for d in real(K2S_EXPORTER) for f in findings(d, tainted("os", "windows"))], "no-schedulable-pool")
    assert "untolerated taint os=windows:NoSchedule" in f.message
    assert hits(K2S_EXPORTER, "no-schedulable-pool", tainted("OS", "Windows")) == []


def test_a_pod_without_any_windows_toleration_is_still_reported_on_the_default():
    found = hits("Azure__AKS-Edge__samples__others__win-sample.yaml", "no-schedulable-pool")
    assert len(found) == 1 and "untolerated taint os=windows:NoSchedule" in found[0].message


def test_windows_named_in_the_tag_with_a_version_last_is_read():
    # stefanscherer/whoami:windows-amd64-1.5.4-1709 (the per-OS-version tag convention) was read as
    # Windows of unknown build, so the 1709 image was never judged
    f = only([f for d in real("PatrickLang__Windows-K8s-Samples__HyperVExamples__whoami-1709.yaml") for f in findings(d)],
             "image-build-unsupported")
    assert "built for Windows Server 1709 (16299)" in f.message
    # and the kubernetes e2e image convention <version>-windows-<arch>-<os version>
    f = only([f for d in real("jsturtevant__windows-k8s-playground__deployments__runtimeclass__workloads__privileged.yaml")
              for f in findings(d)], "image-build-unsupported")
    assert "e2eteam/busybox:1.29-windows-amd64-1809" in f.message and "(17763)" in f.message


def test_the_targeting_every_front_door_reads_lands_it_on_windows():
    # the yield is in the resolver, so plan, audit and the webhook land the pod where lint is silent
    from winkube.model.podview import pod_view
    from winkube.model.profile import default_profile
    from winkube.targeting import resolve

    view = pod_view(real(K2S_EXPORTER)[0])
    t = resolve(view, default_profile())
    assert {f.pool.name for f in t.fits if f.schedulable} == {"windows-2022", "windows-2025"}
    t = resolve(view, tainted("os", "windows"))
    assert not any(f.schedulable for f in t.fits)
