"""Tests for winkube.compat — including containerd/platforms' own upstream test cases."""

from __future__ import annotations

import pytest

from winkube import compat
from winkube.compat import Platform, build_name, hosts_for_image, matches, parse_build, select
from winkube.knowledge import load

RS5 = LTSC2019 = 17763
LTSC2022 = V21H2SERVER = 20348
V22H2WIN11 = 22621
V23H2 = 25398
LTSC2025 = 26100


def v(build: int, rev: int | None = None) -> str:
    return f"10.0.{build}" + (f".{rev}" if rev is not None else "")


# containerd/platforms:platform_windows_compat_test.go Test_PlatformCompat (commit 4549974,
# v1.0.0-rc.2 and later): (host, container, shouldRun)
UPSTREAM_COMPAT = [
    (LTSC2019, LTSC2019, True),
    (LTSC2019, LTSC2022, False),
    (LTSC2022, LTSC2019, False),
    (LTSC2022, LTSC2022, True),
    (V22H2WIN11, LTSC2019, False),
    (V22H2WIN11, LTSC2022, True),
    (V23H2, LTSC2019, False),
    (V23H2, LTSC2022, True),
    (LTSC2025, LTSC2022, True),
    (LTSC2022, LTSC2025, False),
    (LTSC2022, V22H2WIN11, False),
    (LTSC2025, V22H2WIN11, True),
]


@pytest.mark.parametrize("containerd", [None, "2.2.0", "2.1.6", "containerd://2.3.1"])
@pytest.mark.parametrize("host,ctr,should_run", UPSTREAM_COMPAT)
def test_upstream_platform_compat(host, ctr, should_run, containerd):
    assert matches(host, v(ctr), containerd) is should_run
    # the revision never matters to the matcher
    assert matches(host, v(ctr, 9999), containerd) is should_run


# The older upstream table (RS5 / 21H2 / Win11 only) must hold for every relaxed containerd.
UPSTREAM_COMPAT_OLD = [
    (RS5, RS5, True),
    (RS5, V21H2SERVER, False),
    (V21H2SERVER, RS5, False),
    (V21H2SERVER, V21H2SERVER, True),
    (V22H2WIN11, RS5, False),
    (V22H2WIN11, V21H2SERVER, True),
]


@pytest.mark.parametrize("containerd", ["1.6.23", "1.7.6", "1.7.20", "2.0.0", "2.1.5"])
@pytest.mark.parametrize("host,ctr,should_run", UPSTREAM_COMPAT_OLD)
def test_upstream_platform_compat_old_list(host, ctr, should_run, containerd):
    assert matches(host, v(ctr, 1), containerd) is should_run


def _plat(os_version: str | None, os: str = "windows", arch: str = "amd64") -> Platform:
    return Platform(os=os, architecture=arch, os_version=os_version)


LINUX = _plat(None, os="linux")
WS2022 = _plat("10.0.20348.3091")
WS2025 = _plat("10.0.26100.2894")
WS2025_REV3000 = _plat("10.0.26100.3000")


# containerd/platforms:platform_windows_compat_test.go Test_PlatformOrder (commit 8c0d9f9)
@pytest.mark.parametrize(
    "host,entries,want",
    [
        ("Windows Server 2022 should select 2022", [LINUX, WS2022, WS2025], WS2022),
        ("Windows Server 2025 should select 2025", [LINUX, WS2022, WS2025], WS2025),
        ("Windows Server 2025 should select 2025 latest rev", [LINUX, WS2022, WS2025_REV3000], WS2025_REV3000),
    ],
)
def test_upstream_platform_order(host, entries, want):
    host_build = parse_build(WS2022.os_version) if "2022" in host.split(" should")[0] else parse_build(WS2025.os_version)
    for cd in (None, "2.1.6", "2.2.0", "2.3.0"):
        assert select(host_build, list(entries), cd) == want


def test_first_match_ordering_old_containerd():
    # containerd <= 2.1.5 and all of 1.7.x: the first matching entry in index order wins
    entries = [LINUX, WS2022, WS2025]
    for cd in ("1.7.6", "1.7.34", "2.0.0", "2.1.5", "containerd://1.7.20"):
        assert select(LTSC2025, entries, cd) == WS2022, cd
        assert select(LTSC2025, [WS2025, WS2022], cd) == WS2025, cd
    # newer containerd: newest os.version regardless of index order
    for cd in ("2.1.6", "2.2.0", None):
        assert select(LTSC2025, [WS2022, WS2025], cd) == WS2025
        assert select(LTSC2025, [WS2025, WS2022], cd) == WS2025


def test_ordering_is_string_comparison():
    # (derived) lexicographic: "....999" sorts above "....1000"
    a = _plat("10.0.26100.999")
    b = _plat("10.0.26100.1000")
    assert select(LTSC2025, [b, a], "2.2.0") == a


def test_select_filters_os_and_arch():
    arm = _plat("10.0.26100.1", arch="arm64")
    assert select(LTSC2025, [LINUX, arm]) is None
    assert select(LTSC2025, [LINUX, arm], architecture="arm64") == arm
    assert select(LTSC2019, [LINUX, WS2022, WS2025]) is None
    assert compat.order(LTSC2025, [LINUX, WS2022, WS2025], "2.2.0") == [WS2025, WS2022]


def test_relaxation_versions():
    # before 1.6.23 / 1.7.6 an exact build match was required (containerd/containerd#7439)
    for cd in ("1.6.22", "1.7.0", "1.7.5", "1.5.9"):
        assert matches(V22H2WIN11, v(LTSC2022), cd) is False, cd
        assert matches(LTSC2025, v(LTSC2022), cd) is False, cd
        assert matches(LTSC2022, v(LTSC2022, 5), cd) is True, cd
    for cd in ("1.6.23", "1.7.6", "2.0.0", "v2.0.3"):
        assert matches(V22H2WIN11, v(LTSC2022), cd) is True, cd
        # (derived) old list {20348}: WS2025 hosts already accepted 2022 images
        assert matches(LTSC2025, v(LTSC2022), cd) is True, cd


def test_hosts_past_latest_ltsc():
    # rc.2..rc.4 (containerd 2.1.6..2.3.x): floor = newest LTSC strictly older -> 26100
    assert matches(26200, v(LTSC2022), "2.2.0") is False
    assert matches(26200, v(LTSC2025), "2.2.0") is True
    # platforms rc.5 (containerd/platforms#34): floor stays at the previous LTSC
    assert matches(26200, v(LTSC2022)) is True
    assert matches(26200, v(LTSC2025)) is True
    # old list {20348}
    assert matches(26200, v(LTSC2022), "1.7.20") is True


def test_empty_and_bad_os_version():
    for cd in (None, "1.7.0", "2.2.0"):
        assert matches(LTSC2019, None, cd) is True
        assert matches(LTSC2019, "", cd) is True
        assert matches(LTSC2019, "garbage", cd) is False
        assert matches(LTSC2022, "6.3.20348", cd) is False  # major/minor must match
    assert parse_build("10.0.20348.1234") == 20348
    assert parse_build("10.0.17763") == 17763
    assert parse_build("10.0") is None
    assert parse_build(None) is None
    assert parse_build("10.0.x.1") is None
    assert parse_build("10.0.70000.1") is None  # build is 16 bits


def test_hosts_for_image():
    assert hosts_for_image(v(LTSC2019, 5)) == [17763]
    h = hosts_for_image(v(LTSC2022, 1))
    assert h[0] == 20348 and 25398 in h and 26100 in h and 22621 in h and 26200 in h
    assert 19045 not in h
    assert hosts_for_image(v(LTSC2022, 1), "1.7.5") == [20348]
    assert hosts_for_image(v(LTSC2025, 1), "2.2.0") == [26100, 26200]
    assert hosts_for_image(None) == compat.known_builds()
    assert hosts_for_image(v(LTSC2022, 1), kind="server") == [20348, 25398, 26100]


def test_build_names_and_data():
    assert build_name(20348) == "Windows Server 2022 (20348)"
    assert build_name(26100) == "Windows Server 2025 (26100)"
    assert build_name(17763) == "Windows Server 2019 (17763)"
    assert build_name(22621) == "Windows 11 22H2 (22621)"
    assert build_name(12345) == "Windows build 12345"
    assert build_name(parse_build("garbage")) == "an unknown Windows build"
    required = {14393, 16299, 17134, 17763, 18362, 18363, 19041, 19042, 20348, 25398, 26100}
    assert required <= set(compat.known_builds("server"))
    for name in ("windows_builds", "containerd", "image_tags"):
        data = load(name)
        rows = [r for v in data.values() if isinstance(v, list) for r in v]
        assert rows, name
        for r in rows:
            assert r.get("source"), (name, r)


def test_containerd_version_parsing():
    assert compat.parse_containerd_version("containerd://1.7.20") == (1, 7, 20)
    assert compat.parse_containerd_version("v2.1") == (2, 1, 0)
    assert compat.parse_containerd_version("2.2.0-rc.1+unknown") == (2, 2, 0)
    assert compat.parse_containerd_version("docker://24.0.7") is None
    assert compat.era_for("2.1.5").ordering == "first_match"
    assert compat.era_for("2.1.6").ordering == "os_version_desc"
    assert compat.era_for(None).current
    assert compat.era_for("nonsense").current


def test_platform_from_oci_roundtrip():
    p = Platform.from_oci({"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.1",
                           "os.features": ["win32k"]}, digest="sha256:" + "a" * 64)
    assert p.os_features == ("win32k",)
    assert Platform.from_oci(p.to_oci(), p.digest) == p
    assert str(p) == "windows/amd64 10.0.20348.1"


from hypothesis import given, settings, strategies as st  # noqa: E402

BUILDS = st.integers(min_value=10000, max_value=40000)
VERSIONS = st.sampled_from([None, "1.6.22", "1.6.23", "1.7.5", "1.7.6", "2.0.0", "2.1.5", "2.1.6", "2.2.0", "2.3.1", "2.4.0"])


@settings(max_examples=300, deadline=None)
@given(host=BUILDS, image=BUILDS, rev=st.integers(0, 99999), cd=VERSIONS)
def test_matching_properties(host, image, rev, cd):
    ok = matches(host, f"10.0.{image}.{rev}", cd)
    assert ok == matches(host, f"10.0.{image}", cd)  # the revision never matters
    if image > host:
        assert not ok  # never a newer image on an older host
    if host < 20348:
        assert ok == (image == host)  # below WS2022: exact only
    if image == host:
        assert ok
    if ok and host >= 20348:
        assert image >= 20348
    assert ok == (host in hosts_for_image(f"10.0.{image}.1", cd)) or host not in compat.known_builds()


@settings(max_examples=200, deadline=None)
@given(host=BUILDS, builds=st.lists(BUILDS, min_size=1, max_size=5), cd=VERSIONS)
def test_select_properties(host, builds, cd):
    entries = [_plat(f"10.0.{b}.{i}") for i, b in enumerate(builds)]
    pick = select(host, entries, cd)
    matching = [e for e in entries if matches(host, e.os_version, cd)]
    if not matching:
        assert pick is None
    elif compat.era_for(cd).ordering == "first_match":
        assert pick == matching[0]
    else:
        assert pick.os_version == max(e.os_version for e in matching)
