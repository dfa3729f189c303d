"""Image rules fed with real platforms (what --resolve-images reads from a registry): the platform
lists here are the input values a registry returns, built with the same types the registry client
produces (winkube.lintimages.summarize)."""
from __future__ import annotations

from winkube.compat import Platform
from winkube.engine import Engine, Options
from winkube.lintimages import summarize
from winkube.model.profile import default_profile, profile_from_dict

REF = "contoso.azurecr.io/app:1.0"
WIN = {"os": {"name": "windows"}, "nodeSelector": {"kubernetes.io/os": "windows"},
       "tolerations": [{"key": "os", "operator": "Exists", "effect": "NoSchedule"}]}


def lint(platforms, spec=None, profile=None):
    images = {REF: summarize(platforms)}
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {**(WIN if spec is None else spec), "containers": [{"name": "c", "image": REF}]}}
    return Engine(Options(profile=profile or default_profile(), images=images)).check_object(obj)


def rules(found):
    return {f.rule for f in found}


P2019 = Platform("windows", "amd64", os_version="10.0.17763.6054")
P2022 = Platform("windows", "amd64", os_version="10.0.20348.2582")
P2025 = Platform("windows", "amd64", os_version="10.0.26100.1742")
LINUX = Platform("linux", "amd64")


def test_multi_os_index_with_a_2022_entry_runs_everywhere_it_is_meant_to():
    assert not rules(lint([LINUX, P2022])) & {"image-build-incompatible", "image-os-mismatch", "mixed-os-images"}


def test_index_with_only_2019_fails_on_2022_and_2025_pools():
    # on 1.37, which supports only Windows Server 2022 and 2025, that is image-build-unsupported
    (f,) = [f for f in lint([P2019, LINUX]) if f.rule in ("image-build-incompatible", "image-build-unsupported")]
    assert f.rule == "image-build-unsupported"
    assert f.path_str == "spec.containers[0].image" and "Windows Server 2019" in f.message


def test_linux_only_image_on_windows_pod():
    (f,) = [f for f in lint([LINUX, Platform("linux", "arm64")]) if f.rule == "image-os-mismatch"]
    assert "linux image" in f.message


def test_entry_without_os_version():
    found = lint([Platform("windows", "amd64")])
    assert "image-without-os-version" in rules(found)
    assert "image-build-incompatible" not in rules(found)  # containerd accepts it on any build
    assert "image-without-os-version" not in rules(lint([P2022]))


def test_index_selection_differs_by_containerd_version_on_ws2025():
    def profile(containerd):
        return profile_from_dict({"nodePools": [{"name": "w25", "os": "windows", "windowsBuild": "10.0.26100",
                                                 "containerRuntime": containerd}]}, "test")
    (f,) = [f for f in lint([P2022, P2025], profile=profile("containerd://1.7.20")) if f.rule == "image-index-selection"]
    assert "picks 10.0.20348.2582" in f.message and "this pool's containerd://1.7.20 picks 10.0.20348.2582" in f.message
    (g,) = [f for f in lint([P2022, P2025], profile=profile("containerd://2.2.1")) if f.rule == "image-index-selection"]
    assert "this pool's containerd://2.2.1 picks 10.0.26100.1742" in g.message
    # newest first in the index and with the higher revision: every containerd picks the same entry
    p2025_high = Platform("windows", "amd64", os_version="10.0.26100.3000")
    assert "image-index-selection" not in rules(lint([p2025_high, P2022], profile=profile("containerd://1.7.20")))
    # newest first but with the lower revision: containerd 1.6.23+ takes the 2022 entry
    assert "image-index-selection" in rules(lint([P2025, P2022], profile=profile("containerd://1.7.20")))


def test_entry_without_os_version_on_containerd_1_6_17():
    # containerd 1.6.0-1.6.17 (platforms/defaults_windows.go matchComparer: os.version prefix only)
    # never matches an entry without os.version; 1.6.18 (containerd/containerd#8106) does
    def profile(containerd):
        return profile_from_dict({"nodePools": [{"name": "w22", "os": "windows", "windowsBuild": "10.0.20348",
                                                 "containerRuntime": containerd}]}, "test")
    (f,) = [f for f in lint([Platform("windows", "amd64")], profile=profile("containerd://1.6.17"))
            if f.rule == "image-build-incompatible"]
    assert "is built for no os.version" in f.message
    assert "image-build-incompatible" not in rules(lint([Platform("windows", "amd64")], profile=profile("containerd://1.6.18")))


def test_index_selection_on_containerd_1_6_follows_the_revision():
    # containerd 1.6.23+ sorts matching entries by revision (matchComparer.Less): with the 2025 entry
    # first in the index, 1.7/2.x agree on it but 1.6 takes the 2022 entry's higher revision
    prof = profile_from_dict({"nodePools": [{"name": "w25", "os": "windows", "windowsBuild": "10.0.26100",
                                             "containerRuntime": "containerd://1.6.39"}]}, "test")
    high_rev_2022 = Platform("windows", "amd64", os_version="10.0.20348.3000")
    (f,) = [f for f in lint([P2025, high_rev_2022], profile=prof) if f.rule == "image-index-selection"]
    assert "1.6.23+ picks 10.0.20348.3000" in f.message
    assert "this pool's containerd://1.6.39 picks 10.0.20348.3000" in f.message
