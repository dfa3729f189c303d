"""`winkube profile show`'s reporter: the profile in its file format (docs/profile.md), as a
ClusterProfile document; YAML by default, with its source as a comment (JSON has no comments)."""
from __future__ import annotations

from ..model.profile import Profile, profile_to_dict
from .registry import Reporter, envelope, write_yaml


def _body(profile: Profile) -> dict:
    doc = profile_to_dict(profile)
    doc.pop("apiVersion", None)
    doc.pop("kind", None)
    return doc


def _yaml(profile: Profile, out, *, color: bool = False) -> None:
    out.write(f"# source: {profile.source}\n")
    write_yaml(envelope(PROFILE.kind, _body(profile)), out)


PROFILE = Reporter("ClusterProfile", _body, {"yaml": _yaml}, default="yaml")
