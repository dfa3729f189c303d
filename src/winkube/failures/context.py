"""What is known around a failure — the pod, its images, the node — as facts the ranking can use
to choose between causes that print the same words ("container operating system does not match":
the app image or the pause image? "no match for platform": a Linux image on a Windows node, or a
Windows image for another build?).

Facts come from three places, weakest first: the message itself (image names, "windows/amd64
10.0.17763"), the pod spec, and the node's status (nodeInfo, labels). Unknown stays None and
decides nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..k8s.workloads import as_dict, as_list
from .normalize import Unwrapped

__all__ = ["ImageFact", "Facts", "facts_from_message", "facts_from_pod", "facts_from_node", "PREDICATES"]


@dataclass(frozen=True, slots=True)
class ImageFact:
    ref: str
    os: str | None  # windows / linux / None
    builds: frozenset[int] = frozenset()  # Windows builds the image has entries for (empty: unknown)
    evidence: str = ""  # "tag ltsc2022" / "registry: windows 10.0.20348"


@dataclass(frozen=True, slots=True)
class Facts:
    node: str = ""
    node_os: str | None = None
    node_build: int | None = None
    node_runtime: str = ""  # "containerd://1.7.1"
    pod: str = ""
    pod_os: str | None = None  # what the pod is meant for (spec.os, nodeSelector), if it says
    images: tuple[ImageFact, ...] = ()
    run_as_user: bool | None = None  # securityContext.runAsUser set (pod or container)
    hostprocess: bool | None = None
    notes: tuple[str, ...] = field(default=())  # where the facts came from, for people

    def anonymous(self) -> "Facts":
        """The same facts without the pod's and node's names: what a diagnosis depends on (so that
        pods failing alike share one diagnosis)."""
        return replace(self, node="", pod="", notes=())

    def merged(self, other: "Facts") -> "Facts":
        """Facts of other win where they are known (pod/node facts over message guesses)."""
        kw = {}
        for f in self.__dataclass_fields__:
            mine, theirs = getattr(self, f), getattr(other, f)
            if f == "notes":
                kw[f] = mine + theirs
            elif f == "images":
                kw[f] = theirs or mine
            else:
                kw[f] = theirs if theirs not in (None, "", ()) else mine
        return Facts(**kw)


def _image_fact(ref: str) -> ImageFact:
    from ..imagetags import guess
    h = guess(ref)
    return ImageFact(ref, h.os, frozenset([h.build]) if h.build else frozenset(), h.evidence)


_DOCKER_HOST = re.compile(r"no matching manifest for (windows|linux)/\w+(?: 10\.0\.(\d{5}))?", re.I)
_CRI_PLATFORM = re.compile(r"\bwindows/amd64 10\.0\.(\d{5})\b")


def facts_from_message(u: Unwrapped) -> Facts:
    """What the message itself says about the images and the host."""
    images = tuple(_image_fact(r) for r in u.images if r != u.sandbox_image)
    node_os = node_build = None
    m = _DOCKER_HOST.search(u.text)
    if m:  # Docker names the host's platform it looked for
        node_os = m.group(1).lower()
        node_build = int(m.group(2)) if m.group(2) else None
    elif _CRI_PLATFORM.search(u.text):
        node_os, node_build = "windows", int(_CRI_PLATFORM.search(u.text).group(1))
    notes = ("message",) if images or node_os else ()
    return Facts(node_os=node_os, node_build=node_build, images=images, notes=notes)


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _labelled_os(labels) -> str | None:
    """The OS a node's labels or a nodeSelector name (the GA label first, then the beta one)."""
    from ..k8s.labels import OS_LABELS
    if not isinstance(labels, dict):
        return None
    return next((str(labels[k]) for k in OS_LABELS if isinstance(labels.get(k), str)), None)


def facts_from_node(node: dict) -> Facts:
    """A Node object (or its nodeInfo/labels) → node facts."""
    from ..k8s.labels import LABEL_BUILD
    from ..k8s.versions import parse_build
    meta, status = as_dict(node.get("metadata")), as_dict(node.get("status"))
    labels, info = as_dict(meta.get("labels")), as_dict(status.get("nodeInfo"))
    os_ = (_text(info.get("operatingSystem")) or _labelled_os(labels) or "").lower() or None
    build = None
    if os_ == "windows":
        build = parse_build(_text(labels.get(LABEL_BUILD))) or parse_build(_text(info.get("kernelVersion")))
    name = _text(meta.get("name"))
    return Facts(node=name, node_os=os_, node_build=build, node_runtime=_text(info.get("containerRuntimeVersion")),
                 notes=(f"node {name or '?'}",))


def facts_from_pod(pod: dict, image_facts: dict[str, ImageFact] | None = None) -> Facts:
    """A Pod object → pod facts (intent, images, runAsUser, HostProcess)."""
    from ..k8s.workloads import CONTAINER_LISTS
    # a pod is whatever the server or a dump says: read tolerantly (wrong types say nothing)
    meta, spec = as_dict(pod.get("metadata")), as_dict(pod.get("spec"))
    psc = as_dict(spec.get("securityContext"))
    containers = [c for k in CONTAINER_LISTS for c in as_list(spec.get(k)) if isinstance(c, dict)]
    csc = [as_dict(c.get("securityContext")) for c in containers]
    run_as_user = psc.get("runAsUser") is not None or any(sc.get("runAsUser") is not None for sc in csc)
    hp = as_dict(psc.get("windowsOptions")).get("hostProcess") is True or any(
        as_dict(sc.get("windowsOptions")).get("hostProcess") is True for sc in csc)
    pod_os = (_text(as_dict(spec.get("os")).get("name")) or _labelled_os(spec.get("nodeSelector")) or "").lower() or None
    refs = [c.get("image") for c in containers if isinstance(c.get("image"), str)]
    images = tuple((image_facts or {}).get(r) or _image_fact(r) for r in dict.fromkeys(refs))
    name = f"{_text(meta.get('namespace')) or 'default'}/{_text(meta.get('name')) or '?'}"
    return Facts(pod=name, pod_os=pod_os, images=images, run_as_user=run_as_user, hostprocess=hp,
                 node=_text(spec.get("nodeName")), notes=(f"pod {name}",))


# ---------------------------------------------------------------------------------------------
# Predicates: name -> (facts, unwrapped) -> (True/False/None, why). None: unknown, decides nothing.

def _node_is(os_: str):
    def p(f: Facts, u: Unwrapped):
        if f.node_os is None:
            return None, ""
        return f.node_os == os_, (f"node {f.node}" if f.node else "the node") + f" runs {f.node_os}"
    return p


def _pod_name(f: Facts) -> str:
    return f"pod {f.pod}" if f.pod else "the pod"


def _images(f: Facts, u: Unwrapped) -> tuple[ImageFact, ...]:
    """The images the message is about, else the pod's."""
    named = [i for i in f.images if i.ref in u.images]
    return tuple(named) or f.images


def _image_os(os_: str):
    def p(f: Facts, u: Unwrapped):
        imgs = [i for i in _images(f, u) if i.os]
        if not imgs:
            return None, ""
        hit = [i for i in imgs if i.os == os_]
        if hit:
            return True, f"image {hit[0].ref} is {os_} ({hit[0].evidence or 'registry'})"
        return False, f"image {imgs[0].ref} is {imgs[0].os} ({imgs[0].evidence or 'registry'})"
    return p


def _build_match(f: Facts, u: Unwrapped):
    """True: every Windows image named has an entry the node's containerd accepts; False: one has none."""
    from ..compat import matches
    if f.node_build is None:
        return None, ""
    imgs = [i for i in _images(f, u) if i.os == "windows" and i.builds]
    if not imgs:
        return None, ""
    runtime = f.node_runtime.split("://", 1)[-1] or None
    for i in imgs:
        if not any(matches(f.node_build, f"10.0.{b}", runtime) for b in i.builds):
            return False, f"image {i.ref} is for build {', '.join(map(str, sorted(i.builds)))}, node is {f.node_build}"
    return True, f"image {imgs[0].ref} matches node build {f.node_build}"


def _containerd_version(f: Facts):
    """The node's containerd version as a tuple, or None."""
    from ..k8s.versions import parse_containerd_version
    if not f.node_runtime.startswith("containerd"):
        return None
    return parse_containerd_version(f.node_runtime.split("://", 1)[-1])


def _old_matcher(f: Facts, u: Unwrapped):
    v = _containerd_version(f)
    if v is None:
        return None, ""
    old = v < (1, 6, 23) or (1, 7, 0) <= v < (1, 7, 6)
    return old, f"containerd {'.'.join(map(str, v))} {'lacks' if old else 'has'} the stable-ABI matcher"


def _containerd_below(major: int, minor: int):
    def p(f: Facts, u: Unwrapped):
        v = _containerd_version(f)
        if v is None:
            return None, ""
        return v < (major, minor, 0), f"the node runs containerd {'.'.join(map(str, v))}"
    return p


def _flag(name: str, what: str):
    def p(f: Facts, u: Unwrapped):
        v = getattr(f, name)
        if v is None:
            return None, ""
        return bool(v), f"{_pod_name(f)} {'sets' if v else 'does not set'} {what}"
    return p


def _pod_os(os_: str):
    def p(f: Facts, u: Unwrapped):
        if f.pod_os is None:
            return None, ""
        return f.pod_os == os_, f"{_pod_name(f)} is meant for {f.pod_os}"
    return p


def _numeric_user(f: Facts, u: Unwrapped):
    user = str(u.extra.get("User") or "")
    if user:
        return user.isdigit(), f'the process user is "{user}"'
    m = re.search(r'"User":"([^"]*)"', u.text)
    if m:
        return m.group(1).isdigit(), f'the process user is "{m.group(1)}"'
    return None, ""


def _said(rx: str, why: str):
    """A fact the message itself states (absence says nothing: None, not False)."""
    pattern = re.compile(rx, re.I)

    def p(f: Facts, u: Unwrapped):
        return (True, why) if pattern.search(u.raw) else (None, "")
    return p


PREDICATES = {
    "node_windows": _node_is("windows"),
    "node_linux": _node_is("linux"),
    "image_linux": _image_os("linux"),
    "image_windows": _image_os("windows"),
    "image_build_matches_node": _build_match,
    "containerd_without_stable_abi": _old_matcher,
    "containerd_before_1_7": _containerd_below(1, 7),
    "run_as_user": _flag("run_as_user", "runAsUser"),
    "hostprocess": _flag("hostprocess", "hostProcess"),
    "pod_linux": _pod_os("linux"),
    "pod_windows": _pod_os("windows"),
    "numeric_user": _numeric_user,
    # what the message says about where the code or the path comes from
    "container_exit": _said(r"\bexit ?code\b|exitcode|errorcode|\bExited \(|Last State|\bTerminated\b|exit with",
                            "the code is a container's exit status"),
    "smb_source": _said(r"\bsmb\b|SmbGlobalMapping|file\.core\.windows\.net|\\\\[\w-][\w.-]*\\\w", "the mount source is an SMB share"),
    "pipe_source": _said(r"\\\\\.\\pipe\\|\bpipe\\+[\w-]", "the mount source is a named pipe"),
}


def negate(name: str) -> str:
    return name[1:] if name.startswith("!") else name


def evaluate(spec: str, f: Facts, u: Unwrapped) -> tuple[bool | None, str]:
    """"name" or "!name" → (value, why)."""
    val, why = PREDICATES[negate(spec)](f, u)
    if val is None:
        return None, ""
    return (not val if spec.startswith("!") else val), why


__all__ += ["evaluate", "replace"]


def facts_from_dict(d: dict) -> Facts:
    """Facts written as data (a catalogue example's context): node_os, node_build, node_runtime,
    pod_os, images (references, or {ref, os, builds}), run_as_user, hostprocess."""
    images = []
    for i in d.get("images") or ():
        if isinstance(i, str):
            images.append(_image_fact(i))
        else:
            images.append(ImageFact(i["ref"], i.get("os"), frozenset(int(b) for b in i.get("builds") or ()), "given"))
    return Facts(node=d.get("node", ""), node_os=d.get("node_os"), node_build=d.get("node_build"),
                 node_runtime=d.get("node_runtime", ""), pod=d.get("pod", ""), pod_os=d.get("pod_os"),
                 images=tuple(images), run_as_user=d.get("run_as_user"), hostprocess=d.get("hostprocess"),
                 notes=("given",))


__all__ += ["facts_from_dict"]
