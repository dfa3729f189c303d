"""The kinds of miss issue 12 lists, each on a real manifest of the grown corpus
(tests/data/corpus-grown, from repositories outside ../shared/corpus and the issue's excluded
list). Kinds no licensed real manifest was found for are listed in REVIEW.md with their
synthetic tests."""
from __future__ import annotations

from pathlib import Path

import yaml
from rules.lintkit import by_rule, findings, only

from winkube.model.finding import Severity, Stage

GROWN = Path(__file__).parent.parent / "data" / "corpus-grown"


def found(name: str) -> list:
    return [f for d in yaml.safe_load_all((GROWN / name).read_text()) if isinstance(d, dict) for f in findings(d)]


def test_removed_deployment_api_versions():
    f = only(found("justeat__kubernetes-windows-aws-ovs__demo__deployment.yaml"), "api-version-not-served")
    assert f.path_str == "apiVersion" and f.stage is Stage.ADMISSION and f.severity is Severity.ERROR
    assert f.message == "extensions/v1beta1 Deployment is not served by Kubernetes 1.37 (removed in 1.16): use apps/v1"
    f = only(found("jsturtevant__windows-k8s-playground__deployments__ingress__windows-deployment.yaml"), "api-version-not-served")
    assert "use apps/v1" in f.message


def test_unknown_field_under_strict_validation():
    # terminationMessagePath/Policy written at pod level (they are container fields)
    hits = by_rule(found("PatrickLang__Windows-K8s-Samples__RazorPagesMovie__movies.yaml"), "unknown-field")
    assert {h.path_str for h in hits} == {"spec.template.spec.terminationMessagePath", "spec.template.spec.terminationMessagePolicy"}
    assert all(h.stage is Stage.ADMISSION for h in hits)


def test_windows_daemonset_that_runs_on_no_windows_pool():
    # marosset/aks-windows-npd: a Windows DaemonSet without a toleration for the Windows taint
    f = only(found("marosset__aks-windows-npd__win-npd.yaml"), "no-schedulable-pool")
    assert f.path_str == "spec.template.spec.nodeSelector" and "untolerated taint os=windows:NoSchedule" in f.message


def test_label_the_profile_cannot_see_is_named():
    f = only(found("jsturtevant__windows-k8s-playground__logging__fluentd.yaml"), "no-schedulable-pool")
    assert f.severity is Severity.WARNING
    assert "cannot see the label(s) beta.kubernetes.io/fluentd-ds-ready" in f.message


def test_old_windows_images_known_by_name():
    cases = {
        "Azure__acs-engine__test__e2e__kubernetes__workloads__iis-azurefile.yaml": "microsoft/iis:windowsservercore-1803",
        "PatrickLang__Windows-K8s-Samples__iis__iis-1803.yaml": "microsoft/iis:windowsservercore-1803",
        "PatrickLang__Windows-K8s-Samples__RazorPagesMovie__movies.yaml": "patricklang/razorpagesmovie:aspnet-2.0.5-nanoserver-1709",
    }
    for name, image in cases.items():
        f = only(found(name), "image-build-unsupported")
        assert f.message.startswith(image) and f.stage is Stage.RUNTIME, (name, f.message)


def test_run_as_non_root_on_server_core_without_a_user_name():
    # jsturtevant psp/runasnonroot.yaml: the intent is silently lost (kubernetes/kubernetes#112469)
    f = only(found("jsturtevant__windows-k8s-playground__deployments__psp__runasnonroot.yaml"), "run-as-non-root-image-user")
    assert f.path_str == "spec.containers[0].image"
    assert "runs as ContainerAdministrator" in f.message
