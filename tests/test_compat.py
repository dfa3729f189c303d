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
    elif compat.era_for(cd).ordering == "revision_desc":  # containerd 1.6: highest revision, then index order
        best = max(int(e.os_version.split(".")[3]) for e in matching)
        assert pick == next(e for e in matching if int(e.os_version.split(".")[3]) == best)
    else:
        assert pick.os_version == max(e.os_version for e in matching)


# ------------------------------------------------------------------ eras traced in containerd's source


@pytest.mark.parametrize("version,era", [
    ("1.6.0", "prefix_1_6"), ("containerd://1.6.17", "prefix_1_6"), ("1.6.0-beta.0", "prefix_1_6"),
    ("1.6.18", "prefix_or_empty_1_6"), ("1.6.22", "prefix_or_empty_1_6"),
    ("1.6.23", "stable_abi_1_6"), ("1.6.39", "stable_abi_1_6"),
    ("1.7.0-beta.0", "prefix_1_7_beta"), ("1.7.0-beta.3", "prefix_1_7_beta"),
    ("1.7.0-beta.4", "prefix_or_empty_1_7"), ("1.7.0-rc.3", "prefix_or_empty_1_7"), ("1.7.5", "prefix_or_empty_1_7"),
    ("1.7.6", "stable_abi_2022"), ("1.7.34", "stable_abi_2022"), ("2.0.0-rc.6", "stable_abi_2022"),
    ("2.0.0", "stable_abi_2022_parseuint"), ("2.0.1", "stable_abi_2022_parseuint"),
    ("2.0.2", "stable_abi_2022_strict"), ("2.1.5", "stable_abi_2022_strict"),
    # 2.2.0-beta.0 .. rc.1 vendor containerd/platforms v1.0.0-rc.1, not rc.2 (their go.mod)
    ("2.2.0-beta.0", "stable_abi_2022_strict"), ("containerd://2.2.0-rc.1", "stable_abi_2022_strict"),
    ("2.1.6", "stable_abi_2025_newest_first"), ("2.2.0", "stable_abi_2025_newest_first"),
    ("2.3.0-beta.0", "stable_abi_2025_newest_first"),
    ("2.3.0-beta.1", "stable_abi_2025_win32k"), ("2.3.4", "stable_abi_2025_win32k"),
    ("2.4.0-beta.0", "stable_abi_2025_win32k"),  # rc.4, not the 2.4.0 era
    ("2.3.5", "stable_abi_2025_generation"), ("2.4.0", "stable_abi_2025_generation"),
    ("containerd://1.7.20-1", "stable_abi_2022"),  # a distribution's package suffix is not a pre-release
    ("1.7.15+azure", "stable_abi_2022"),
])
def test_era_per_release(version, era):
    assert compat.era_for(version).id == era


def test_version_keys_order_pre_releases():
    key = compat.containerd_version_key
    assert key("2.2.0-beta.0") < key("2.2.0-beta.2") < key("2.2.0-rc.0") < key("2.2.0-rc.1") < key("2.2.0")
    assert key("1.7.0-beta.4") < key("1.7.0-rc.0") < key("1.7.0") < key("1.7.6")
    assert compat.format_containerd_version(key("v2.2.0-rc.1+unknown")) == "2.2.0-rc.1"
    assert compat.parse_containerd_version("2.2.0-rc.1+unknown") == (2, 2, 0)


def test_empty_os_version_rejected_before_1_6_18():
    # containerd v1.6.0..v1.6.17 platforms/defaults_windows.go: strings.HasPrefix(p.OSVersion, prefix)
    for cd in ("1.6.0", "1.6.17", "1.7.0-beta.3"):
        assert matches(LTSC2022, None, cd) is False, cd
        assert select(LTSC2022, [_plat(None)], cd) is None, cd
    for cd in ("1.6.18", "1.6.22", "1.7.0-beta.4", "1.7.0"):
        assert matches(LTSC2022, None, cd) is True, cd


def test_prefix_match_before_stable_abi():
    # strings.HasPrefix: any os.version that starts with the host's "10.0.<build>" matches
    for cd in ("1.6.22", "1.7.5"):
        assert matches(LTSC2019, "10.0.17763x", cd) is True
        assert matches(LTSC2019, "10.0.177631.1", cd) is True
        assert matches(LTSC2019, " 10.0.17763", cd) is False
    for cd in ("1.7.6", "2.1.5", None):
        assert matches(LTSC2019, "10.0.17763x", cd) is False


def test_containerd_1_6_orders_by_revision():
    # containerd 1.6 matchComparer.Less: the higher revision first, whatever the build
    old, new = _plat("10.0.20348.3000"), _plat("10.0.26100.2000")
    for cd in ("1.6.23", "1.6.39"):
        assert compat.order(LTSC2025, [new, old], cd) == [old, new]
    assert compat.order(LTSC2022, [_plat("10.0.20348.9"), _plat("10.0.20348.10")], "1.6.18") == \
        [_plat("10.0.20348.10"), _plat("10.0.20348.9")]  # numeric, not string order
    assert select(LTSC2025, [new, old], "1.7.20") == new  # 1.7: the first match


def test_sixteen_bit_build_of_atoi_eras():
    # strconv.Atoi then uint16(): 85884 = 20348 + 65536 (1.6.23-1.7.x, platforms v0.2.1)
    for cd in ("1.6.23", "1.7.6", "1.7.34"):
        assert matches(LTSC2022, "10.0.85884", cd) is True, cd
        assert matches(LTSC2022, "+10.0.20348", cd) is True, cd  # Atoi takes a sign
        assert matches(LTSC2022, "10.x.20348", cd) is True, cd  # a bad field reads as 0 (minor 0)
    # platforms v1.0.0-rc.0 (2.0.0, 2.0.1): ParseUint errors ignored, overflow reads as 65535
    assert matches(LTSC2022, "10.0.85884", "2.0.0") is False
    assert matches(LTSC2022, "10.x.20348", "2.0.1") is True
    # rc.1 and later: any bad field makes the whole version 0.0.0
    for cd in ("2.0.2", "2.1.6", None):
        assert matches(LTSC2022, "10.0.85884", cd) is False
        assert matches(LTSC2022, "10.x.20348", cd) is False


def test_edge_inputs_upstream_rejects():
    ws = Platform("windows", "amd64", os_version=" 10.0.20348")
    v2 = Platform("windows", "amd64", variant="v2", os_version="10.0.20348.1")
    v1 = Platform("windows", "x86_64", variant="v1", os_version="10.0.20348.1")
    foo = Platform("windows", "amd64", os_version="10.0.20348.1", os_features=("foo",))
    k32 = Platform("windows", "amd64", os_version="10.0.20348.1", os_features=("win32k",))
    k32x2 = Platform("windows", "amd64", os_version="10.0.20348.1", os_features=("win32k", "win32k"))
    for cd in ("1.7.20", "2.2.0", None):
        assert compat.order(LTSC2022, [ws, v2], cd) == []
        assert compat.order(LTSC2022, [v1], cd) == [v1]  # x86_64/v1 normalises to amd64
    assert compat.order(LTSC2022, [foo, k32, k32x2], "2.2.0") == [foo, k32, k32x2]  # features ignored
    assert compat.order(LTSC2022, [foo, k32, k32x2], "2.3.1") == [k32]  # rc.4: one win32k stripped
    assert compat.order(LTSC2022, [foo, k32, k32x2], None) == [k32]


def test_386_entries_on_amd64_hosts():
    x86 = _plat("10.0.20348.9", arch="386")
    amd = _plat("10.0.20348.1")
    # Default() = Only(DefaultSpec()): 386 matches, ranked after every amd64 entry
    for cd in ("1.7.20", "2.0.5"):
        assert compat.order(LTSC2022, [x86, amd], cd) == [amd, x86]
        assert select(LTSC2022, [x86], cd) == x86
    # the transfer service (CRI default from 2.1.0-rc.0) fetches Ordered(DefaultSpec()) only
    assert select(LTSC2022, [x86], "2.1.5") is None
    assert select(LTSC2022, [x86], "2.1.5", transfer=False) == x86
    # 1.6 (Ordered(DefaultSpec(), linux)) and platforms rc.2+ (NewMatcher): no 386 at all
    for cd in ("1.6.39", "2.2.0", None):
        assert compat.order(LTSC2022, [x86], cd) == []


def test_empty_and_capitalised_os():
    # normalizeOS: "" is runtime.GOOS (windows on the node), case is folded; 1.6.18+ also wants
    # the raw string "windows" (defaults_windows.go: p.OS == "windows")
    empty = Platform("", "amd64", os_version="10.0.20348.1")
    caps = Platform("Windows", "amd64", os_version="10.0.20348.1")
    for cd in ("1.6.17", "1.7.20", "2.1.5", None):
        assert compat.order(LTSC2022, [empty, caps], cd) == [empty, caps], cd
    for cd in ("1.6.18", "1.6.39"):
        assert compat.order(LTSC2022, [empty, caps], cd) == [], cd
    # 1.6.0-1.6.17: Default() = Ordered(DefaultSpec(), linux/GOARCH) with the prefix test on both
    linux = Platform("linux", "amd64", os_version="10.0.20348")
    assert compat.order(LTSC2022, [linux], "1.6.17") == [linux]
    assert compat.order(LTSC2022, [linux], "1.6.18") == []


def test_every_era_names_a_source_and_platforms_release():
    for era in compat.eras():
        assert era.source and era.platforms, era.id
        assert era.ordering in ("revision_desc", "first_match", "os_version_desc"), era.id
        assert era.matching in ("prefix", "stable_abi"), era.id
    # consecutive ranges leave no released version without an era of its own
    ranges = sorted(r for era in compat.eras() for r in era.ranges)
    for (_, hi), (lo, _) in zip(ranges, ranges[1:]):
        assert hi == lo, (hi, lo)


def test_platform_from_oci_with_wrong_types():
    # a registry's index is untrusted JSON: wrong types must not reach the matcher as non-strings
    p = Platform.from_oci({"os": "windows", "architecture": "amd64", "os.version": 10.0, "variant": 2})
    assert p.os_version == "10.0" and p.variant == "2"
    assert select(LTSC2022, [p]) is None
    assert compat.order(LTSC2022, [Platform.from_oci({"os": "windows", "architecture": "amd64", "os.version": ["x"]})]) == []
