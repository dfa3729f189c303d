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


def _platforms_text(listing: dict, out, *, color: bool = False) -> None:
    version = listing["kubeVersion"]
    out.write(f"Platform profiles for Kubernetes {version} (use: --profile NAME, or platform: NAME in .winkube.yaml)\n\n")
    for r in listing["platforms"]:
        out.write(f"{r['name']:<10} {r['title']}\n")
        out.write(f"{'':<10} Windows builds: {', '.join(r['windowsBuilds']) or 'none for this release'}\n")
        out.write(f"{'':<10} Windows taints: {r['windowsTaints']}; containerd {r['containerd']}\n")
        if r["providerLabels"]:
            out.write(f"{'':<10} provider labels understood: {', '.join(r['providerLabels'])}\n")
        for src in r["sources"]:
            out.write(f"{'':<10} source: {src}\n")
        out.write("\n")


# `winkube profile list`: {"kubeVersion": "1.37", "platforms": [rows of model.platforms.table]}
PLATFORMS = Reporter("PlatformList", lambda listing: listing, {"text": _platforms_text})
