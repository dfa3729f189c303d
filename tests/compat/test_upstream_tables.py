"""The eras whose Windows matcher only builds on Windows, against upstream's own test tables.

containerd 1.6.x / 1.7.x (their own platforms package) and containerd/platforms v0.2.1 and
v1.0.0-rc.0 keep the Windows matcher in *_windows.go files. test_oracle_differential.py runs them
under Wine; their Windows unit tests, transcribed here with the file and commit they come from, are
upstream's own expectations and a check that needs neither Wine nor Go.
"""

from __future__ import annotations

import pytest

from winkube import compat
from winkube.compat import Platform


def W(os_version: str | None = None, arch: str = "amd64") -> Platform:
    return Platform(os="windows", architecture=arch, os_version=os_version)


def picks(era_id: str, host: int, entries: list[Platform]) -> list[Platform]:
    return [entries[i] for i, _ in compat.rank_entries(compat.era_by_id(era_id), host, entries)]


# containerd v1.6.17 (commit 299b677) platforms/defaults_windows_test.go TestMatchComparerMatch:
# host prefix = the test machine's build, here 17763; the entry without os.version does not match.
# v1.6.18 (commit 2456e98, containerd/containerd#8106) flips only that last row to true.
MATCH_1_6 = [("10.0.17763", True), ("10.0.17763.1", True), ("10.0.17763.2", True),
             ("10.0.17762.1", False), ("10.0.17764.1", False)]


@pytest.mark.parametrize("era_id,empty", [("prefix_1_6", False), ("prefix_or_empty_1_6", True), ("stable_abi_1_6", True)])
@pytest.mark.parametrize("os_version,want", MATCH_1_6)
def test_containerd_1_6_match_comparer_match(era_id, empty, os_version, want):
    era = compat.era_by_id(era_id)
    assert bool(compat.rank_entries(era, 17763, [W(os_version)])) is want
    assert bool(compat.rank_entries(era, 17763, [W(None)])) is empty


# containerd v1.6.23 (commit b69f1ad) platforms/defaults_windows_test.go TestMatchComparerLess:
# host prefix 10.0.17763; sort.SliceStable by matchComparer.Less; expected order below.
LESS_IN = [W("10.0.17764.1"), W(None), W("10.0.17763.1"), W("10.0.17763.2"), W("10.0.17762.1")]
LESS_MATCHED_1_6_23 = [W("10.0.17763.2"), W("10.0.17763.1"), W(None)]


@pytest.mark.parametrize("era_id", ["prefix_or_empty_1_6", "stable_abi_1_6"])
def test_containerd_1_6_match_comparer_less(era_id):
    # the expected list continues with the two non-matching entries, which containerd drops
    assert picks(era_id, 17763, LESS_IN) == LESS_MATCHED_1_6_23


def test_containerd_1_6_17_less_without_empty():
    # v1.6.17's table: the entry without os.version does not match, so it is not tried at all
    assert picks("prefix_1_6", 17763, LESS_IN) == [W("10.0.17763.2"), W("10.0.17763.1")]


# containerd/platforms v0.2.1 (commit 163df76) defaults_windows_test.go
# TestMatchComparerMatch_ABICheckWCOW: (host, entry, match). Same table at v1.0.0-rc.0 (9b464c3).
ABI_WCOW = [(17763, "10.0.17763", True), (17763, "10.0.20348", False), (20348, "10.0.17763", False),
            (20348, "10.0.20348", True), (22621, "10.0.17763", False), (22621, "10.0.20348", True)]


@pytest.mark.parametrize("era_id", ["stable_abi_1_6", "stable_abi_2022", "stable_abi_2022_parseuint"])
@pytest.mark.parametrize("host,os_version,want", ABI_WCOW)
def test_platforms_v0_2_1_abi_check_wcow(era_id, host, os_version, want):
    assert bool(compat.rank_entries(compat.era_by_id(era_id), host, [W(os_version)])) is want


# containerd/platforms v0.2.1 platforms_windows_test.go TestFallbackOnOSVersion / containerd
# v1.7.0 (commit 1fbd703, #8101) defaults_windows_test.go: an entry without os.version matches.
@pytest.mark.parametrize("era_id", ["prefix_or_empty_1_7", "stable_abi_2022", "stable_abi_2022_parseuint"])
def test_fallback_on_os_version(era_id):
    assert compat.rank_entries(compat.era_by_id(era_id), 20348, [W(None)]) == [(0, 0)]


# containerd/platforms v0.2.1 compare_test.go TestOnly, row "linux/amd64": linux/386 matches,
# linux/amd64/v2 does not (the same platformVector serves windows; containerd 1.7 compare.go too).
@pytest.mark.parametrize("era_id", ["prefix_or_empty_1_7", "stable_abi_2022", "stable_abi_2022_parseuint",
                                    "stable_abi_2022_strict"])
def test_only_amd64_takes_386_last(era_id):
    entries = [W("10.0.20348.9", arch="386"), W("10.0.20348.1"),
               Platform(os="windows", architecture="amd64", variant="v2", os_version="10.0.20348.1")]
    assert compat.rank_entries(compat.era_by_id(era_id), 20348, entries) == [(1, 0), (0, 1)]


# microsoft/hcsshim v0.11.0 (commit 750e11b) osversion/platform_compat_windows_test.go
# Test_PlatformCompat — the CheckHostAndContainerCompat that containerd 1.6.23+ (hcsshim v0.9.10+),
# 1.7.6-1.7.18 (v0.11.x) and 2.0.0-beta.x (v0.12.x) call; the function is the same in all of them.
HCSSHIM_COMPAT = [(17763, 17763, True), (17763, 20348, False), (20348, 17763, False), (20348, 20348, True),
                  (22621, 17763, False), (22621, 20348, True)]


@pytest.mark.parametrize("era_id", ["stable_abi_1_6", "stable_abi_2022"])
@pytest.mark.parametrize("host,ctr,should_run", HCSSHIM_COMPAT)
def test_hcsshim_platform_compat(era_id, host, ctr, should_run):
    assert bool(compat.rank_entries(compat.era_by_id(era_id), host, [W(f"10.0.{ctr}")])) is should_run
