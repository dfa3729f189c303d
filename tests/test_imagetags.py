"""winkube.imagetags.guess: read as Windows what is unambiguous, and nothing else."""

from __future__ import annotations

import pytest

from winkube.imagetags import ImageHint, guess

WINDOWS = [
    ("mcr.microsoft.com/windows/servercore:ltsc2019", 17763, "ltsc-year"),
    ("mcr.microsoft.com/windows/nanoserver:ltsc2022", 20348, "ltsc-year"),
    ("mcr.microsoft.com/windows/server:ltsc2025", 26100, "ltsc-year"),
    ("mcr.microsoft.com/windows/servercore:1809", 17763, "bare-windows-version"),
    ("mcr.microsoft.com/windows/servercore:2004-amd64", 19041, "bare-windows-version"),
    ("mcr.microsoft.com/windows/nanoserver:1903", 18362, "bare-windows-version"),
    ("mcr.microsoft.com/windows/nanoserver:1909", 18363, "bare-windows-version"),
    ("mcr.microsoft.com/windows/servercore:1809-KB4493509", 17763, "bare-windows-version"),
    ("mcr.microsoft.com/windows/servercore:20H2", 19042, "bare-halfyear-version"),
    ("myorg/app:20H2", 19042, "bare-halfyear-version"),
    ("mcr.microsoft.com/windows/servercore:10.0.17763.437", 17763, "full-os-version"),
    ("example.com/app:1.2-10.0.20348.2113", 20348, "full-os-version"),
    ("mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022", 20348, "ltsc-year"),
    ("golang:1.22-windowsservercore-ltsc2022", 20348, "ltsc-year"),
    ("golang:1.21-nanoserver-1809", 17763, "windows-flavour-version"),
    ("python:3.12-windowsservercore-1809", 17763, "windows-flavour-version"),
    ("fluent/fluentd:v1.16-windows-ltsc2019-1", 17763, "ltsc-year"),
    ("registry.k8s.io/pause:3.9-windows-ltsc2022-amd64", 20348, "ltsc-year"),
    ("myapp:windows-1809", 17763, "windows-flavour-version"),
    ("mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore", None, "windows-flavour"),
    ("mcr.microsoft.com/dotnet/runtime:8.0-nanoserver", None, "windows-flavour"),
    ("registry.k8s.io/e2e-test-images/agnhost:2.45-windows-amd64", None, "windows-arch-suffix"),
    ("example.com/sig-windows/app:v1.0.0-windows", None, "windows-arch-suffix"),
    ("example.com/agent:windows-latest", None, "windows-prefix"),
    ("mcr.microsoft.com/windows/servercore", None, "mcr-windows-base"),  # :latest -> repo evidence only
    ("mcr.microsoft.com/windows:1809", 17763, "bare-windows-version"),
]


@pytest.mark.parametrize("ref,build,rule", WINDOWS)
def test_windows_tags(ref, build, rule):
    h = guess(ref)
    assert h.os == "windows", (ref, h)
    assert h.build == build, (ref, h)
    assert rule in h.basis, (ref, h)


NOT_WINDOWS = [
    "nginx:1.25",
    "nginx",
    "myapp:v1809-build",  # "v" prefix and a suffix: an app version, not a Windows release
    "myapp:1809",  # bare YYMM-like tag on an unknown repository: could be anything
    "postgres:2004",
    "busybox:1.36-musl",
    "example.com/windowsphone:1.0",  # repository merely contains the word
    "example.com/app:nonwindows",
    "example.com/app:10.0.12345",  # not a known Windows build
    "example.com/app:ltsc20221",  # not an LTSC year
    "example.com/app:xltsc2022",
    "example.com/app:mywindows",
    "mcr.microsoft.com/dotnet/runtime:8.0",  # multi-OS repository, no OS in the tag
    "",
    "Not A Valid Ref:::",
]


@pytest.mark.parametrize("ref", NOT_WINDOWS)
def test_not_windows(ref):
    assert guess(ref) == ImageHint(None, None, "")


def test_digest_and_port_references():
    h = guess("127.0.0.1:5000/win/app:ltsc2022@sha256:" + "a" * 64)
    assert (h.os, h.build) == ("windows", 20348)
    assert guess("localhost:5000/app@sha256:" + "b" * 64) == ImageHint(None, None, "")


def test_evidence_says_what_matched():
    h = guess("mcr.microsoft.com/windows/nanoserver:ltsc2022")
    assert h.evidence == "tag ltsc2022" and h.basis == "mcr-windows-base, ltsc-year"
    h = guess("mcr.microsoft.com/windows/servercore:1809")
    assert h.evidence == "tag 1809 of mcr.microsoft.com/windows/servercore" and h.build == 17763
    assert guess("mcr.microsoft.com/windows/servercore").evidence == "repository mcr.microsoft.com/windows/servercore"


def test_linux_tags():
    h = guess("example.com/kube-proxy:v1.30.0-linux-amd64")
    assert (h.os, h.build) == ("linux", None) and "linux-arch-suffix" in h.basis
    assert guess("example.com/app:linuxish").os is None


def test_windows_os_then_version_tags():
    from winkube.imagetags import guess
    assert guess("stefanscherer/whoami:windows-amd64-1.7.0-1803").build == 17134
    assert guess("e2eteam/busybox:1.29-windows-amd64-1809").build == 17763
    # the version must come last and Windows must be named: nothing is read from these
    assert guess("example/app:linux-amd64-1809").os is None
    assert guess("stefanscherer/whoami:windows-amd64-2.0.1").build is None
