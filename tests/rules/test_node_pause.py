"""The pause image on Windows nodes (node-pause-image-outdated, node-pause-image-unsigned), read from
status.images. The image names are real ones from public threads: mcr.microsoft.com/oss/kubernetes/pause:1.4.1
on a Windows Server 2019 node (k0sproject/k0s#642), k8s.gcr.io/pause:3.1 refused on a 1903 node
(rancher/rancher#23161), registry.k8s.io/pause:3.6 and mcr.microsoft.com/oss/kubernetes/pause:3.6 as the
v1.25 guide names them."""
from __future__ import annotations

import copy

import pytest

from winkube.k8s.keys import node_signature
from winkube.knowledge import load
from winkube.model.finding import Severity
from winkube.model.paths import render
from winkube.k8s.versions import parse_version

from test_nodes import hits, linux_node, win_node

OUTDATED, UNSIGNED = "node-pause-image-outdated", "node-pause-image-unsigned"
DIGEST = "sha256:" + "ab" * 32


def with_images(node, *names, big=("mcr.microsoft.com/windows/servercore:ltsc2022",)):
    """status.images as the kubelet reports them: largest first, a digest name beside each tag."""
    node = copy.deepcopy(node)
    node["status"]["images"] = [{"names": [f"{n.rsplit(':', 1)[0]}@{DIGEST}", n], "sizeBytes": 5_000_000_000}
                                for n in big] + \
                               [{"names": [f"{n.rsplit(':', 1)[0]}@{DIGEST}", n], "sizeBytes": 120_000_000} for n in names]
    return node


def test_every_release_row_is_sourced_and_the_guide_row_is_3_6():
    data = load("pause")
    kubes = [parse_version(r["kube"])[:2] for r in data["releases"]]
    assert kubes == sorted(kubes) and kubes[0] == (1, 25) and kubes[-1] >= (1, 37)
    assert all(r["source"] and parse_version(r["version"]) for r in data["releases"])
    assert {r["kube"]: r["version"] for r in data["releases"]}["1.25"] == "3.8"  # kubeadm v1.25 PauseVersion
    assert data["windows_guide"]["version"] == "3.6"
    assert all(r["source"] for r in data["repositories"])


def test_a_pause_older_than_the_guides_is_a_warning_on_its_own_name():
    node = with_images(win_node(), "k8s.gcr.io/pause:3.1")
    (h,) = hits(node, OUTDATED)
    assert render(h.path) == "status.images[1].names[1]"
    assert h.severity is None  # the rule's warning
    assert "k8s.gcr.io/pause:3.1" in h.message and "older than 3.6" in h.message
    assert "registry.k8s.io/pause:3.10.2" in h.fix  # the 1.37 default


def test_microsofts_old_1_x_tags_are_older_than_the_guide_too():
    node = with_images(win_node(build="17763", ubr="1697"), "mcr.microsoft.com/oss/kubernetes/pause:1.4.1")
    (h,) = hits(node, OUTDATED)
    assert "older than 3.6" in h.message
    assert hits(node, UNSIGNED) == []  # it is Microsoft's signed repository


@pytest.mark.parametrize("kube,tag,expect", [
    ((1, 25), "3.6", None),  # the guide's own recommendation, below 1.25's default 3.8: info
    ((1, 25), "3.8", "none"),
    ((1, 30), "3.9", "none"),
    ((1, 31), "3.9", None),
    ((1, 37), "3.10.1", None),
    ((1, 37), "3.10.2", "none"),
    ((1, 38), "3.10.2", "none"),  # newer than the data: the newest row applies
])
def test_below_the_releases_default_is_an_info(kube, tag, expect):
    node = with_images(win_node(), f"registry.k8s.io/pause:{tag}")
    got = hits(node, OUTDATED, version=kube)
    if expect == "none":
        assert got == []
    else:
        (h,) = got
        assert h.severity is Severity.INFO and f"Kubernetes {kube[0]}.{kube[1]}" in h.message


def test_the_newest_pause_on_the_node_is_judged():
    node = with_images(win_node(), "registry.k8s.io/pause:3.6", "registry.k8s.io/pause:3.10.2")
    assert hits(node, OUTDATED) == []


def test_unsigned_is_an_info_naming_the_signed_image_at_the_same_tag():
    node = with_images(win_node(), "registry.k8s.io/pause:3.6")
    (h,) = hits(node, UNSIGNED)
    assert render(h.path) == "status.images[1].names[1]"
    assert "the Kubernetes project's build" in h.message
    assert "mcr.microsoft.com/oss/kubernetes/pause:3.6" in h.fix
    other = with_images(win_node(), "myregistry.example.com/k8s/pause:3.9")
    (h,) = hits(other, UNSIGNED)
    assert "unknown origin" in h.message
    signed = with_images(win_node(), "mcr.microsoft.com/oss/kubernetes/pause:3.6", "registry.k8s.io/pause:3.6")
    assert hits(signed, UNSIGNED) == []


def test_no_pause_listed_linux_nodes_and_digest_only_names_say_nothing():
    assert hits(win_node(), OUTDATED) == [] and hits(win_node(), UNSIGNED) == []
    node = win_node()
    node["status"]["images"] = [{"names": [f"registry.k8s.io/pause@{DIGEST}"], "sizeBytes": 1}]
    assert hits(node, OUTDATED) == [] and hits(node, UNSIGNED) == []
    lin = with_images(linux_node(), "k8s.gcr.io/pause:3.1")
    assert hits(lin, OUTDATED) == [] and hits(lin, UNSIGNED) == []
    junk = win_node()
    junk["status"]["images"] = [{"names": "registry.k8s.io/pause:3.1"}, "x", {"names": [7, "pause:latest"]}]
    assert hits(junk, OUTDATED) == [] and hits(junk, UNSIGNED)[0].message.startswith("pause image pause:latest")


def test_nodes_differing_only_in_their_pause_have_different_signatures():
    # audit checks one node per signature: the pause must be part of it, other images must not
    a = with_images(win_node(), "registry.k8s.io/pause:3.6")
    b = with_images(win_node(), "registry.k8s.io/pause:3.10.2")
    c = with_images(win_node(), "registry.k8s.io/pause:3.6", big=("contoso/app:1",))
    assert node_signature(a) != node_signature(b)
    assert node_signature(a) == node_signature(c)
