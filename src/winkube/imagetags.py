"""Guess an image's OS and Windows build from its reference alone (no registry access).

The conventions are data in ``knowledge/image_tags.yaml``. Precision beats recall: a tag is
read as Windows only when the convention is unambiguous. ``myapp:1809`` could be a date
(YYMM) or a build number of anything, so bare version numbers count only on repositories known
to be Windows (``mcr.microsoft.com/windows/...``); ``myapp:v1809-build`` is never Windows;
``nginx:1.25`` says nothing. A guess is a hint: the registry's platform data wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from winkube.knowledge import load
from winkube.record import FrozenRecord

__all__ = ["ImageHint", "guess", "guess_user", "known_contents"]


class ImageHint(FrozenRecord):  # a record, not a @dataclass: on the start-up path (record.py)
    __slots__ = ("os", "build", "evidence", "basis")
    os: str | None  # "windows", "linux" or None
    build: int | None
    evidence: str  # for people: "tag ltsc2022", "repository mcr.microsoft.com/windows/nanoserver"
    basis: str  # for maintainers: the knowledge rows that matched, e.g. "mcr-windows-base, ltsc-year"

    def __init__(self, os: str | None = None, build: int | None = None, evidence: str = "", basis: str = ""):
        object.__setattr__(self, "os", os)
        object.__setattr__(self, "build", build)
        object.__setattr__(self, "evidence", evidence)
        object.__setattr__(self, "basis", basis)


_UNKNOWN = ImageHint(None, None, "")


class _Rule(FrozenRecord):
    __slots__ = ("id", "pattern", "row")
    id: str
    pattern: re.Pattern[str]
    row: dict

    def __init__(self, id: str, pattern: re.Pattern[str], row: dict):
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "row", row)


_LTSC_TAG = re.compile(r"ltsc(\d{4})")


def tag_builds() -> tuple[dict[str, int], dict[str, int]]:
    """(LTSC year -> build, version tag -> build), from the `tags` of the server rows of
    knowledge/windows_builds.yaml: the one place a Windows release's tags are written."""
    years: dict[str, int] = {}
    versions: dict[str, int] = {}
    for row in load("windows_builds")["builds"]:
        if row.get("kind") != "server":
            continue
        for tag in row.get("tags") or ():
            tag = str(tag).lower()
            m = _LTSC_TAG.fullmatch(tag)
            if m:
                years[m.group(1)] = int(row["build"])
            else:
                versions[tag] = int(row["build"])
    return years, versions


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) or "(?!)"


@lru_cache(maxsize=None)
def _rules() -> tuple[tuple[_Rule, ...], tuple[_Rule, ...], dict[str, int], frozenset[int], dict[str, int]]:
    data = load("image_tags")
    years, vmap = tag_builds()
    fill = {"ltsc_years": _alternatives(years), "versions": _alternatives(vmap),
            "numeric_versions": _alternatives(v for v in vmap if v.isdigit()),
            "halfyear_versions": _alternatives(v for v in vmap if not v.isdigit())}

    def compile_(pattern: str) -> re.Pattern[str]:
        for name, alt in fill.items():
            pattern = pattern.replace("{" + name + "}", alt)
        return re.compile(pattern)
    tag_rules = tuple(_Rule(r["id"], compile_(r["pattern"]), r) for r in data["tag_rules"])
    repo_rules = tuple(_Rule(r["id"], compile_(r["pattern"]), r) for r in data["repository_rules"])
    known = frozenset(int(r["build"]) for r in load("windows_builds")["builds"])
    return tag_rules, repo_rules, vmap, known, years


def _split(ref: str) -> tuple[str, str | None]:
    """(registry/repository, tag) lower-cased; tolerant of references the strict parser refuses."""
    from winkube.registry.reference import ImageReferenceError, parse_reference

    try:
        r = parse_reference(ref)
        return r.name.lower(), (r.tag.lower() if r.tag else None)
    except ImageReferenceError:
        s = ref.strip().split("@", 1)[0]
        slash, colon = s.rfind("/"), s.rfind(":")
        if colon > slash:
            return s[:colon].lower(), s[colon + 1 :].lower()
        return s.lower(), None


@lru_cache(maxsize=4096)
def guess(ref: str) -> ImageHint:
    """Guess OS and Windows build from an image reference's repository and tag.

    Returns ``ImageHint(None, None, "")`` when no convention applies. ``evidence`` says in a few
    words what matched (``"tag ltsc2022"``), ``basis`` which rows of knowledge/image_tags.yaml did.
    """
    if not isinstance(ref, str) or not ref.strip():
        return _UNKNOWN
    tag_rules, repo_rules, vmap, known, _ = _rules()
    repo, tag = _split(ref)

    repo_hit = next((r for r in repo_rules if r.pattern.fullmatch(repo)), None)

    if tag:
        for rule in tag_rules:
            m = rule.pattern.fullmatch(tag)
            if not m:
                continue
            if rule.row.get("requires_windows_repository") and not repo_hit:
                continue
            build = _build_of(rule, m, vmap)
            if build is False:
                continue  # e.g. "10.0.12345": not a known Windows build, keep looking
            # a bare "1809" says Windows only because the repository is a Windows one: say both then
            evidence = f"tag {tag} of {repo}" if rule.row.get("requires_windows_repository") else f"tag {tag}"
            basis = f"{repo_hit.id}, {rule.id}" if repo_hit else rule.id
            os_name = rule.row.get("os", "windows")
            if os_name != "windows":
                return ImageHint(os_name, None, evidence, basis)
            if not isinstance(build, int) and repo_hit and repo_hit.row.get("max_build"):
                # the tag names no build; the repository has none newer than max_build
                return ImageHint("windows", int(repo_hit.row["max_build"]), f"{evidence}, repository {repo} (no build newer than "
                                 f"10.0.{repo_hit.row['max_build']})", basis)
            return ImageHint("windows", build if isinstance(build, int) else None, evidence, basis)
    if repo_hit:
        row = repo_hit.row
        if (tag is None or tag == "latest") and row.get("untagged_build"):
            return ImageHint("windows", int(row["untagged_build"]), f"{repo}:{tag or 'latest'} is 10.0.{row['untagged_build']}", repo_hit.id)
        if row.get("max_build"):
            return ImageHint("windows", int(row["max_build"]), f"repository {repo} (no build newer than 10.0.{row['max_build']})",
                             repo_hit.id)
        return ImageHint("windows", None, f"repository {repo}", repo_hit.id)
    return _UNKNOWN


def _build_of(rule: _Rule, m: re.Match[str], vmap: dict[str, int]) -> int | None | bool:
    gd = m.groupdict()
    if rule.row.get("build") == "group" and gd.get("build"):
        b = int(gd["build"])
        return b if b in _rules()[3] else False
    if gd.get("year"):
        return _rules()[4][gd["year"]]
    if gd.get("version"):
        return vmap.get(gd["version"].lower())
    return None


@lru_cache(maxsize=None)
def _user_rules() -> tuple[tuple[re.Pattern[str], dict], ...]:
    return tuple((re.compile(r["pattern"]), r) for r in load("image_tags").get("image_users", ()))


@lru_cache(maxsize=4096)
def guess_user(ref: str) -> tuple[str, str] | None:
    """(the user the image's config sets, "" for none; evidence) for images known by repository, else None."""
    if not isinstance(ref, str) or not ref.strip():
        return None
    repo, _ = _split(ref)
    for pattern, row in _user_rules():
        if pattern.fullmatch(repo):
            return str(row["user"]), f"repository {repo} ({row['id']})"
    return None


@lru_cache(maxsize=None)
def _contents_rules(section: str) -> tuple[tuple[re.Pattern[str], dict], ...]:
    return tuple((re.compile(r["pattern"]), r) for r in load("image_contents").get(section, ()))


@lru_cache(maxsize=4096)
def known_contents(ref: str, section: str) -> dict | None:
    """The row of knowledge/image_contents.yaml `section` ("base_images", "linux_shells") whose
    repository pattern the image matches, else None."""
    if not isinstance(ref, str) or not ref.strip():
        return None
    repo, _ = _split(ref)
    for pattern, row in _contents_rules(section):
        if pattern.fullmatch(repo):
            return row
    return None
