"""Images known by name (knowledge/image_tags.yaml repository rows) and image-build-unsupported:
an image no Windows Server of the release runs fails wherever the pod lands."""
from __future__ import annotations

import pytest
from lintkit import by_rule, ctr, deployment, findings, only, pod, profile, windows_spec

from winkube.imagetags import guess
from winkube.model.finding import Severity, Stage

# the images the issue names, as a new user writes them
OLD = ["microsoft/iis", "microsoft/mssql-server-windows-developer", "microsoft/windowsservercore:1709",
       "microsoft/nanoserver:sac2016"]


@pytest.mark.parametrize("ref,build", [("microsoft/iis", 14393), ("microsoft/iis:windowsservercore-1803", 17134),
                                       ("microsoft/windowsservercore:1709", 16299),
                                       ("microsoft/mssql-server-windows-developer", 17134)])
def test_dockerhub_microsoft_images_are_known(ref, build):
    hint = guess(ref)
    assert hint.os == "windows" and hint.build == build


def test_windows_only_repository_without_build():
    hint = guess("microsoft/aspnet:4.7.2")
    assert hint.os == "windows" and hint.build is None


@pytest.mark.parametrize("ref", OLD)
def test_old_windows_images_run_nowhere(ref):
    f = only(findings(deployment(windows_spec(containers=[ctr(image=ref)]))), "image-build-unsupported")
    assert f.stage is Stage.RUNTIME and f.severity is Severity.ERROR
    assert "Windows Server 2022 (20348), Windows Server 2025 (26100)" in f.message
    assert "fails to start wherever the pod lands" in f.message
    # not said twice
    assert not by_rule(findings(deployment(windows_spec(containers=[ctr(image=ref)]))), "image-build-incompatible")


def test_judged_even_when_the_pod_fits_no_pool():
    # no Windows pool in the profile at all: the build is still judged against the release
    prof = profile([{"name": "lin", "os": "linux"}])
    found = findings(pod(windows_spec(containers=[ctr(image="microsoft/iis")])), prof)
    assert by_rule(found, "image-build-unsupported")


def test_release_matters():
    # Kubernetes 1.33 still lists Windows Server 2019; a 1709 image runs on none of 2019/2022 either
    f = only(findings(pod(windows_spec(containers=[ctr(image="microsoft/windowsservercore:1709")])), kube_version=(1, 33)),
             "image-build-unsupported")
    assert "Kubernetes 1.33" in f.message


def test_supported_images_are_not_reported():
    for ref in ("mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/servercore/iis", "nginx:1.27"):
        assert not by_rule(findings(pod(windows_spec(containers=[ctr(image=ref)]))), "image-build-unsupported"), ref


def test_a_2019_image_on_a_release_that_dropped_2019():
    # 1.37 supports Windows Server 2022 and 2025; the default profile has no 2019 pool either
    f = only(findings(pod(windows_spec(containers=[ctr(image="mcr.microsoft.com/windows/servercore:ltsc2019")]))),
             "image-build-unsupported")
    assert "Windows Server 2019 (17763)" in f.message
    # a cluster that still has a 2019 pool runs it there: the pool rules judge it, not this one
    prof = profile([{"name": "lin", "os": "linux"}, {"name": "w19", "os": "windows", "windowsBuild": "10.0.17763"}])
    assert not by_rule(findings(pod(windows_spec(containers=[ctr(image="mcr.microsoft.com/windows/servercore:ltsc2019")])), prof),
                       "image-build-unsupported")
