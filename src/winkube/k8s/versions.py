"""Version strings Kubernetes components report, and Windows builds. One contract for every
parser here: the parsed value, or None when the text is not such a version (callers that must
refuse bad input raise their own error, naming the field)."""
from __future__ import annotations

import re

_KUBE = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?")
_LOOSE = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")
_CONTAINERD = re.compile(r"^(?:containerd://)?v?(\d+)\.(\d+)(?:\.(\d+))?(?:-(alpha|beta|rc)\.?(\d+)?)?", re.I)


def parse_kube_version(value) -> tuple[int, int] | None:
    """'1.37', 'v1.37.2', 'v1.30.1-eks-1234', 1.37 → (1, 37) (a Kubernetes minor release)."""
    m = _KUBE.fullmatch(str(value).strip()) if value is not None and not isinstance(value, bool) else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def parse_version(text) -> tuple[int, int, int] | None:
    """'v1.37.2' / '1.6.15' / 'v1.30.1-eks-1234' / '1.30' → (1, 37, 2): a kubelet's or a
    knowledge row's version, read from its start."""
    if not isinstance(text, str):
        return None
    m = _LOOSE.match(text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def parse_containerd_version(version: str | None) -> tuple[int, int, int] | None:
    """``"containerd://1.7.20"`` / ``"v2.1.4"`` / ``"2.2.0-rc.1"`` -> ``(major, minor, patch)``.

    Also accepts a node's ``status.nodeInfo.containerRuntimeVersion``; other runtimes
    (``docker://``) and empty strings give None. Pre-release tags are dropped here;
    :func:`containerd_version_key` keeps them."""
    key = containerd_version_key(version)
    return key[:3] if key else None


def containerd_version_key(version: str | None) -> tuple | None:
    """A sort key that orders containerd releases as semver does: ``2.2.0-beta.0 < 2.2.0-rc.1 < 2.2.0``.

    Only containerd's own pre-release tags (``-alpha``/``-beta``/``-rc`` with a number) count as
    pre-releases; a distribution's suffix (``1.7.20-1``, ``1.7.15+azure``, ``1.6.9-k3s1``) names
    the release it packages. None when the text names no containerd version."""
    if not version or not isinstance(version, str):
        return None
    m = _CONTAINERD.match(version.strip())
    if not m:
        return None
    core = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    if m.group(4):
        return core + (0, m.group(4).lower(), int(m.group(5) or 0))
    return core + (1, "", 0)


def format_containerd_version(key: tuple) -> str:
    """The text of a :func:`containerd_version_key`: ``(2, 2, 0, 0, "beta", 0)`` -> ``"2.2.0-beta.0"``."""
    text = ".".join(str(x) for x in key[:3])
    return text + (f"-{key[4]}.{key[5]}" if len(key) > 3 and key[3] == 0 else "")


def version_text(v: tuple) -> str:
    return ".".join(str(x) for x in v)


def parse_os_version(os_version: str | None) -> tuple[int, int, int] | None:
    """``"10.0.20348.1234"`` -> ``(10, 0, 20348)``; ``None`` when it is not a Windows version.

    Mirrors containerd's getWindowsOSVersion: at least three dot-separated numeric fields,
    major/minor fit in 8 bits, build in 16 bits; anything from the revision on is ignored.
    """
    if not os_version or not isinstance(os_version, str):
        return None
    parts = os_version.strip().split(".")
    if len(parts) < 3:
        return None
    nums = []
    for p in parts[:3]:
        if not p.isdigit() or not p.isascii():
            return None
        nums.append(int(p))
    major, minor, build = nums
    if major > 0xFF or minor > 0xFF or build > 0xFFFF:
        return None
    return major, minor, build


def parse_build(value) -> int | None:
    """A Windows build: ``"10.0.20348.1234"``, ``"10.0.20348"`` (an image's os.version, a node's
    windows-build label or kernelVersion), ``"20348"`` or ``20348`` (a profile's windowsBuild)
    → 20348; None for anything else (empty, "10.0", "10.0.x.1", a build beyond 16 bits)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= 0xFFFF else None
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        n = int(value.strip())
        return n if 0 < n <= 0xFFFF else None
    v = parse_os_version(value)
    return v[2] if v else None


def build_label(build: int | None) -> str | None:
    """20348 → "10.0.20348", the node.kubernetes.io/windows-build label's value."""
    return f"10.0.{build}" if build else None
