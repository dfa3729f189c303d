"""The pause (sandbox) image of a Windows node, read from status.images, and the data of
knowledge/pause.yaml: shared by node-pause-image-outdated and node-pause-image-unsigned."""
from __future__ import annotations

from functools import lru_cache

from ...k8s.images import node_pause_images
from ...k8s.versions import parse_version
from ...knowledge import load
from ...record import FrozenRecord
from ._common import windows_node_example

SOURCE = "knowledge/pause.yaml"


@lru_cache(maxsize=1)
def data() -> dict:
    return load("pause")


class Pause(FrozenRecord):  # a record, not a @dataclass: dataclasses costs a lint start-up ~45M instructions (record.py)
    __slots__ = ("path", "repository", "tag", "version", "signed")
    path: tuple
    repository: str
    tag: str
    version: tuple[int, int, int] | None  # None: a tag that names no version (latest, a build id)
    signed: bool | None  # Microsoft's signed build / the upstream one / None: an unknown publisher

    def __init__(self, path: tuple, repository: str, tag: str, version: tuple[int, int, int] | None, signed: bool | None):
        for slot, value in zip(self.__slots__, (path, repository, tag, version, signed)):
            object.__setattr__(self, slot, value)

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"


def _repositories() -> dict[str, dict]:
    return {r["repository"]: r for r in data()["repositories"]}


def pauses(node: dict) -> list[Pause]:
    repos = _repositories()
    out = []
    for path, repo, tag in node_pause_images(node):
        row = repos.get(repo) or repos.get(repo.removeprefix("docker.io/"))
        out.append(Pause(path, repo, tag, parse_version(tag), row["signed"] if row else None))
    return out


def release_default(kube: tuple[int, int]) -> dict | None:
    """The release's row (its default pause version); releases newer than the data take the newest
    row, releases older than it have none."""
    rows = {parse_version(r["kube"])[:2]: r for r in data()["releases"]}
    if kube in rows:
        return rows[kube]
    newest = max(rows)
    return rows[newest] if kube > newest else None


def example_node(*images: str) -> str:
    """A Windows Server 2022 Node on containerd 2.2.1 whose status.images lists these names (with
    the digest name the kubelet reports beside each tag), for the rules' fails/passes examples."""
    lines = "\n".join(f'        - names: ["{n.split(":")[0]}@sha256:{"0" * 64}", "{n}"]\n          sizeBytes: 104857600'
                      for n in images)
    return windows_node_example("v1.37.2", "containerd://2.2.1", "10.0.20348.2113").rstrip() + "\n      images:\n" + lines + "\n"
