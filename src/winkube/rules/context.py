"""What a check sees. Targeting is computed once per pod spec, on first use, and shared by every
rule (DESIGN.md: rules read it, none re-derives it)."""
from __future__ import annotations

from functools import cache
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from ..model.podview import PodView
from ..record import Record

if TYPE_CHECKING:  # imported lazily: targeting pulls in the profile and the knowledge files
    from typing import Any
    from ..model.profile import Profile
    from ..targeting import Targeting


# targeting and the structural replay load knowledge files: imported on first use (start-up counts),
# then kept (an import statement in a function costs ~3 us a call, per object)
@cache
def _targeting_resolve():
    from ..targeting import resolve

    return resolve


@cache
def _structure_check():
    from ..structure.check import check

    return check


class PodContext(Record):
    __slots__ = ("view", "profile", "kube_version", "images", "_targeting")

    def __init__(self, view: PodView, profile: "Profile", kube_version: tuple[int, int], images: dict[str, Any] | None = None,
                 _targeting: "Targeting | None" = None):
        self.view, self.profile = view, profile
        self.kube_version = kube_version  # (1, 37): the release whose rules apply (--kube-version)
        self.images = {} if images is None else images  # image ref -> resolved platforms (--resolve-images)
        self._targeting = _targeting

    @property
    def allow_privileged(self) -> bool:
        """kube-apiserver --allow-privileged, from the profile (kubeadm, kind and managed clusters set it true)."""
        return self.profile.allow_privileged

    @property
    def targeting(self) -> "Targeting":
        if self._targeting is None:
            self._targeting = _targeting_resolve()(self.view, self.profile, self.images)
        return self._targeting


class DocContext(Record):
    """For node, runtimeclass and kubeletconfig rules: the object and the profile it is judged against."""

    __slots__ = ("obj", "profile", "kube_version")

    def __init__(self, obj: dict, profile: "Profile", kube_version: tuple[int, int]):
        self.obj, self.profile, self.kube_version = obj, profile, kube_version


class ObjectContext(Record):
    """For object-scope rules (every object, any kind): the structural checks of the API server's
    decoding. The decode is replayed once, on first use, and shared by the rules."""

    __slots__ = ("obj", "kube_version", "_structure")

    def __init__(self, obj: dict, kube_version: tuple[int, int], _structure: Any = None):
        self.obj, self.kube_version, self._structure = obj, kube_version, _structure

    @property
    def structure(self):
        """structure.check.Structure for this object (served? decoded? unknown fields?)."""
        if self._structure is None:
            self._structure = _structure_check()(self.obj, self.kube_version)
        return self._structure

    def replayed(self):
        """The Structure when the replay has run for this object already, else None (nothing is run)."""
        return self._structure
