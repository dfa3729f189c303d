"""run-as-non-root-image-user: runAsNonRoot judged against the image's config User, as the kubelet does."""
from __future__ import annotations

from types import SimpleNamespace

from lintkit import by_rule, ctr, findings, only, pod, windows_spec

from winkube.model.finding import Severity, Stage

RULE = "run-as-non-root-image-user"
IIS = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
NONROOT = {"runAsNonRoot": True}


def resolved(user):
    return SimpleNamespace(os="windows", build=20348, evidence="registry: windows/amd64 10.0.20348.1", os_versions=("10.0.20348.1",),
                           user=user)


def test_servercore_image_without_user_runs_as_admin_silently():
    # the case: runAsNonRoot on a Server Core / IIS image, no runAsUserName
    f = only(findings(pod(windows_spec(securityContext=NONROOT, containers=[ctr(image=IIS)]))), RULE)
    assert f.severity is Severity.WARNING and f.stage is Stage.KUBELET
    assert f.path_str == "spec.containers[0].image"
    assert "runs as ContainerAdministrator anyway" in f.message


def test_image_config_naming_container_administrator_is_refused():
    ref = "example.com/app:1"
    f = only(findings(pod(windows_spec(securityContext=NONROOT, containers=[ctr(image=ref)])),
                      images={ref: resolved("ContainerAdministrator")}), RULE)
    assert f.severity is Severity.ERROR
    assert ("container's runAsUser (ContainerAdministrator) which will be regarded as root identity and will break "
            "non-root policy") in f.message


def test_near_misses():
    ref = "example.com/app:1"
    cases = [
        (pod(windows_spec(securityContext={**NONROOT, "windowsOptions": {"runAsUserName": "ContainerUser"}},
                          containers=[ctr(image=IIS)])), {}),                      # the user is set explicitly
        (pod(windows_spec(containers=[ctr(image=IIS)])), {}),                        # no runAsNonRoot
        (pod(windows_spec(securityContext=NONROOT, containers=[ctr(image=ref)])), {ref: resolved("ContainerUser")}),
        (pod(windows_spec(securityContext=NONROOT, containers=[ctr(image="example.com/unknown:1")])), {}),  # user unknown
        (pod(windows_spec(securityContext=NONROOT, containers=[ctr(image=IIS, sc={"runAsNonRoot": False})])), {}),
    ]
    for obj, images in cases:
        assert not by_rule(findings(obj, images=images), RULE), obj


def test_kubelet_message_is_in_the_failure_catalogue():
    from winkube.failures import match
    msg = ('container\'s runAsUser (ContainerAdministrator) which will be regarded as root identity and will break non-root '
           'policy (pod: "web-0_default(1234)", container: web)')
    assert any(m.entry.title.startswith("runAsNonRoot") for m in match(msg))
