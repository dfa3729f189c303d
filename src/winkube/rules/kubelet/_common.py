"""Shared helpers for the kubeletconfig rules: is this file Windows kubelet configuration, and the
data of knowledge/kubelet_windows.yaml."""
from __future__ import annotations

import re
from functools import lru_cache

from ...k8s.labels import says_os
from ...knowledge import load

API_GROUP = "kubelet.config.k8s.io/"
KIND = "KubeletConfiguration"
_DRIVE_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_ENDPOINTS = ("containerRuntimeEndpoint", "imageServiceEndpoint")


@lru_cache(maxsize=1)
def data() -> dict:
    return load("kubelet_windows")


def version(text: str) -> tuple[int, int]:
    major, minor = str(text).split(".")[:2]
    return int(major), int(minor)


def _strings(value, depth=0):
    if depth > 4:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, depth + 1)


def windows_reason(ctx) -> str | None:
    """Why the object is judged as Windows kubelet configuration: "" when the file itself says so,
    a short reason for messages when only the profile does, None when it is not judged."""
    obj = ctx.obj
    if obj.get("kind") != KIND or not str(obj.get("apiVersion") or "").startswith(API_GROUP):
        return None
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    if says_os(meta.get("labels") if isinstance(meta.get("labels"), dict) else {}, "windows"):
        return ""  # read from a Windows node (audit labels a node's configz with the node's OS)
    endpoints = [str(obj.get(k) or "").strip().lower() for k in _ENDPOINTS]
    if any(e.startswith("npipe:") for e in endpoints):
        return ""
    if any(e.startswith("unix:") for e in endpoints):
        return None
    if any(_DRIVE_PATH.match(s) for s in _strings(obj)):
        return ""
    if ctx.profile.windows_pools:
        return "judged as Windows kubelet configuration because the cluster profile has Windows node pools"
    return None


def suffix(reason: str) -> str:
    return f" ({reason})" if reason else ""


_EXAMPLE_HEAD = r"""
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    containerRuntimeEndpoint: npipe:////./pipe/containerd-containerd
    cgroupsPerQOS: false
    enforceNodeAllocatable: []
"""


def windows_kubelet_example(*lines: str) -> str:
    """A Windows KubeletConfiguration (named pipe, no cgroups) for a rule's fails/passes examples,
    plus the lines the rule is about: the kubelet rules differ only in those."""
    return _EXAMPLE_HEAD + "".join(f"    {line}\n" for line in lines) + "    "
