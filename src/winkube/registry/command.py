"""``winkube images REF...``: an image's platforms, and which Windows hosts can run it.

For every Windows entry: the known Windows host builds that can run it in process isolation,
per containerd behaviour (knowledge/containerd.yaml); where an index has several Windows
entries, which one containerd would pick on each known host build. Exit 0 when every image
resolved, 2 when any failed; with --fail-on, 1 when an image has a problem at or above that
severity (error: a Windows entry no known Windows host can run; info: a Windows entry without
os.version, which cannot be checked before it runs). Credentials are never printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, TextIO

from winkube import compat
from winkube.ansi import paint, use_color
from winkube.report.registry import Reporter
from winkube.compat import Platform

__all__ = ["add_arguments", "run"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_FAILED = 2


def _duration(text: str) -> float:
    """kubectl-style duration: ``30``, ``30s``, ``1m``, ``1m30s``, ``500ms``."""
    t = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", t):
        return float(t)
    total = 0.0
    pos = 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)(ms|s|m|h)", t):
        if m.start() != pos:
            break
        total += float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[m.group(2)]
        pos = m.end()
    if pos != len(t) or pos == 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (examples: 30s, 1m, 500ms)")
    return total


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
    if v < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return v


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("refs", nargs="+", metavar="REF",
                        help="image reference (registry/repo:tag[@digest]), oci:DIR[:TAG] for an OCI layout, "
                             "or file:PATH for saved `crane manifest` / `docker manifest inspect` JSON")
    parser.add_argument("-o", "--output", choices=("text", "table", "json", "yaml"), default="text",
                        help="output format (default: text; table is the same)")
    parser.add_argument("--fail-on", choices=["error", "warning", "info", "none"], default="none",
                        help="lowest problem severity that makes the exit code 1 (default: none: images informs; "
                             "error: a Windows entry no known host can run; info: one without os.version)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour (default: only on a terminal)")
    parser.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]",
                        help="allow plain HTTP / unverified TLS for this registry (loopback addresses only); repeatable")
    parser.add_argument("--ca-file", metavar="FILE", help="PEM CA bundle to trust in addition to the system roots")
    parser.add_argument("--docker-config", metavar="PATH",
                        help="Docker config.json (or its directory) for credentials; default $DOCKER_CONFIG or ~/.docker")
    parser.add_argument("--pull-secret", action="append", default=[], metavar="FILE",
                        help="kubernetes.io/dockerconfigjson Secret (YAML or JSON, a List is fine); repeatable")
    parser.add_argument("--timeout", type=_duration, default=30.0, metavar="DURATION",
                        help="time allowed per image: every request, retry and Retry-After wait for it (default 30s)")
    parser.add_argument("--concurrency", type=_positive_int, default=16, metavar="N",
                        help="images resolved at once (default 16)")
    parser.add_argument("--cache-dir", metavar="DIR", help="on-disk cache (default ~/.cache/winkube/registry)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the on-disk cache")
    parser.add_argument("--containerd", metavar="VERSION",
                        help="judge for this containerd version only (e.g. 1.7.20); default: every known behaviour")
    parser.add_argument("--arch", default="amd64", help="node architecture for the selection table (default amd64)")


def _load_secrets(paths: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    import yaml

    secrets: list[dict[str, Any]] = []
    errors: list[str] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                docs = list(yaml.safe_load_all(f))
        except (OSError, yaml.YAMLError) as e:
            errors.append(f"--pull-secret {path}: cannot read ({e.__class__.__name__})")
            continue
        for d in docs:
            if isinstance(d, dict) and d.get("kind") == "List":
                secrets.extend(x for x in d.get("items") or [] if isinstance(x, dict))
            elif isinstance(d, dict):
                secrets.append(d)
    return secrets, errors


def _range_label(lo: tuple, hi: tuple) -> str:
    los, his = compat.format_containerd_version(lo), compat.format_containerd_version(hi)
    if lo[:3] == (0, 0, 0):
        return "any version" if hi[0] >= 999 else f"<{his}"
    if hi[0] >= 999:
        return f"{los}+"
    return f"{los}–<{his}"


ORDERING = {
    "first_match": "first matching entry in the index",
    "os_version_desc": "newest os.version first",
    "revision_desc": "highest revision first",
}


def _era_label(era: compat.Era, version: str | None = None) -> str:
    if version:
        return f"containerd {version} ({era.id})"
    return "containerd " + ", ".join(_range_label(lo, hi) for lo, hi in era.ranges) + (" (current)" if era.current else "")


def _eras(containerd: str | None) -> list[tuple[str | None, compat.Era]]:
    """(a containerd version that selects the era, era) pairs to judge against; eras no containerd
    release has (a containerd/platforms release nobody vendors) are left out."""
    if containerd:
        return [(containerd, compat.era_for(containerd))]
    return [(compat.format_containerd_version(era.ranges[0][0]), era) for era in compat.eras() if era.ranges]


def analyse(image: Any, containerd: str | None, arch: str) -> dict[str, Any]:
    """JSON-able analysis of one resolved image (used by both output formats)."""
    eras = _eras(containerd)
    plats: list[Platform] = list(image.platforms)
    entries = []
    for p in plats:
        e: dict[str, Any] = dict(p.to_oci(), digest=p.digest)
        if p.os == "windows":
            e["build"] = compat.parse_build(p.os_version)
            e["hosts"] = {era.id: compat.hosts_for_image(p.os_version, v) for v, era in eras}
        entries.append(e)
    windows_same_arch = [p for p in plats if p.os == "windows" and compat.norm_arch(p.architecture) == compat.norm_arch(arch)]
    selection: dict[str, dict[str, str | None]] = {}
    downloads: dict[str, list[str]] = {}
    if len(windows_same_arch) > 1:
        transfer = [v for v, _ in eras if compat.transfer_pull(v)]
        for build in compat.known_builds():
            row = {}
            for v, era in eras:
                pick = compat.select(build, plats, v, architecture=arch)
                row[era.id] = (pick.os_version or "(no os.version)") if pick else None
            selection[str(build)] = row
            got = compat.fetched(build, plats, transfer[-1], architecture=arch) if transfer else []
            if len(got) > 1:  # the transfer service downloads every matching entry
                downloads[str(build)] = [p.os_version or "(no os.version)" for p in got]
    return {**image.to_json(), "platforms": entries, "selection": selection, "transferDownloads": downloads}


def problems(analysed: dict[str, Any], containerd: str | None, arch: str) -> list[dict[str, str]]:
    """What --fail-on judges, per Windows entry of the node architecture: error when no known
    Windows host runs it in process isolation with the containerd asked for (--containerd, else
    today's behaviour), info when it has no os.version (nothing can be checked before it runs)."""
    era = compat.era_for(containerd)
    out = []
    for e in analysed["platforms"]:
        if e["os"] != "windows" or compat.norm_arch(e["architecture"]) != compat.norm_arch(arch):
            continue
        entry = f"windows/{e['architecture']} {e.get('os.version') or '(no os.version)'}"
        if not e.get("os.version"):
            out.append({"severity": "info", "entry": entry,
                        "message": "no os.version: which Windows hosts can run it cannot be checked before it runs"})
        elif not e["hosts"].get(era.id):
            out.append({"severity": "error", "entry": entry,
                        "message": f"no known Windows host can run it in process isolation ({_era_label(era, containerd)})"})
    return out


def _write_selection(out: TextIO, selection: dict[str, dict[str, str | None]], eras: list, containerd: str | None) -> None:
    """Host x containerd table; eras that pick alike on every host share a column."""
    builds = [b for b, row in selection.items() if any(v is not None for v in row.values())]
    columns: dict[tuple, list] = {}
    for _, era in eras:
        columns.setdefault(tuple(selection[b][era.id] for b in builds), []).append(era)
    groups = list(columns.items())
    header = ["HOST"] + [f"[{i + 1}]" for i in range(len(groups))]
    trows = [header] + [[compat.build_name(int(b))] + [col[k] or "-" for col, _ in groups] for k, b in enumerate(builds)]
    w = [max(len(r[i]) for r in trows) for i in range(len(header))]
    for r in trows:
        out.write("    " + "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() + "\n")
    for i, (_, group) in enumerate(groups):
        if containerd:
            labels = "; ".join(f"{_era_label(era, containerd)}: {ORDERING[era.ordering]}" for era in group)
        else:
            labels = "; ".join(f"containerd {ranges}: {ORDERING[ordering]}" for ordering, ranges in _merged(group))
        out.write(f"    [{i + 1}] {labels}\n")


def _ranges_text(eras: list) -> str:
    """"<1.6.23, 1.7.0-beta.0–<1.7.6 (current)": the eras' containerd ranges, adjacent ones joined."""
    joined: list[list] = []
    for lo, hi in sorted(r for era in eras for r in era.ranges):
        if joined and joined[-1][1] == lo:
            joined[-1][1] = hi
        else:
            joined.append([lo, hi])
    return ", ".join(_range_label(lo, hi) for lo, hi in joined) + (" (current)" if any(e.current for e in eras) else "")


def _merged(group: list) -> list[tuple[str, str]]:
    """(ordering, ranges text) per ordering of the group's eras."""
    orderings = dict.fromkeys(era.ordering for era in group)
    return [(o, _ranges_text([era for era in group if era.ordering == o])) for o in orderings]


def _write_table(out: TextIO, results: dict[str, Any], containerd: str | None, arch: str, analysed: dict[str, Any],
                 found: dict[str, list[dict[str, str]]], color: bool = False) -> None:
    eras = _eras(containerd)
    first = True
    for ref, res in results.items():
        if not first:
            out.write("\n")
        first = False
        if not hasattr(res, "platforms"):
            out.write(f"{paint('bold', 'IMAGE', color)}   {ref}\n{paint('error', 'ERROR', color)}   {res.kind}: {res.message}\n")
            continue
        a = analysed[ref]
        out.write(f"{paint('bold', 'IMAGE', color)}   {ref}\n")
        if res.name != ref:
            out.write(f"NAME    {res.name}\n")
        out.write(f"DIGEST  {res.digest}  ({'index' if res.is_index else 'manifest'}, {res.source})\n")
        rows = [("PLATFORM", "OS.VERSION", "MANIFEST")]
        for e in a["platforms"]:
            plat = f"{e['os']}/{e['architecture']}" + (f"/{e['variant']}" if e.get("variant") else "")
            d = e.get("digest") or ""
            rows.append((plat, e.get("os.version") or "-", d[:19] + "…" if len(d) > 20 else d or "-"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            out.write("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() + "\n")
        wins = [e for e in a["platforms"] if e["os"] == "windows"]
        if wins:
            out.write("  Windows hosts that can run it (process isolation; Hyper-V isolation would allow older "
                      "images but Kubernetes supports process isolation only):\n")
        for e in wins:
            label = f"{e['os']}/{e['architecture']} {e.get('os.version') or '(no os.version)'}"
            out.write(f"    {label}:\n")
            groups: dict[tuple[int, ...], list] = {}
            for _, era in eras:
                groups.setdefault(tuple(e["hosts"][era.id]), []).append(era)
            for hosts, group in groups.items():
                labels = [_era_label(era, containerd) for era in group] if containerd else [f"containerd {_ranges_text(group)}"]
                names = ", ".join(compat.build_name(b) for b in hosts) or "none"
                if not e.get("os.version") and hosts:
                    names = "every Windows host (no os.version: it cannot be checked)"
                out.write(f"      {'; '.join(labels)}: {names}\n")
        if a["selection"]:
            out.write(f"  Entry containerd picks on each Windows host ({arch}):\n")
            _write_selection(out, a["selection"], eras, containerd)
        if a["transferDownloads"]:
            out.write("  containerd 2.1+ pulls through the transfer service and downloads every matching entry, not only its pick:\n")
            for build, versions in a["transferDownloads"].items():
                out.write(f"    {compat.build_name(int(build))}: {', '.join(versions)}\n")
        for p in found.get(ref, ()):
            out.write(f"  {paint(p['severity'], p['severity'], color)}: {p['entry']}: {p['message']}\n")


def run(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from winkube.registry.resolve import ResolveOptions, resolve_many_sync
    from winkube.registry.errors import ImageError

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    secrets, secret_errors = _load_secrets(list(args.pull_secret or []))
    for e in secret_errors:
        err.write(f"winkube images: {e}\n")
    opts = ResolveOptions(
        timeout=args.timeout,
        concurrency=args.concurrency,
        ca_file=args.ca_file,
        insecure_registries=tuple(args.insecure_registry or ()),
        docker_config=args.docker_config,
        pull_secrets=secrets,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
    )
    containerd = getattr(args, "containerd", None)
    arch = getattr(args, "arch", "amd64") or "amd64"
    results = resolve_many_sync(args.refs, opts)
    failed = any(isinstance(r, ImageError) for r in results.values()) or bool(secret_errors)
    analysed = {ref: analyse(r, containerd, arch) for ref, r in results.items() if not isinstance(r, ImageError)}
    found = {ref: problems(a, containerd, arch) for ref, a in analysed.items()}
    if args.output not in ("text", "table"):
        doc = {
            "images": [{**a, "problems": found[ref]} for ref, a in analysed.items()],
            "errors": [r.to_json() for r in results.values() if isinstance(r, ImageError)],
            "containerd": [
                {"id": era.id, "containerd": [_range_label(lo, hi) for lo, hi in era.ranges], "ordering": era.ordering,
                 "platforms": era.platforms, "description": era.description, "source": era.source}
                for _, era in _eras(containerd)
            ],
        }
        IMAGES.render(args.output, doc, out)
    else:
        color = use_color(getattr(args, "color", "auto"), out)
        _write_table(out, results, containerd, arch, analysed, found, color)
        for r in results.values():
            if isinstance(r, ImageError):
                err.write(f"winkube images: {r}\n")
    if failed:
        return EXIT_FAILED
    fail_on = getattr(args, "fail_on", "none") or "none"
    if fail_on == "none":
        return EXIT_OK
    from winkube.model.finding import Severity

    return EXIT_FINDINGS if any(Severity(p["severity"]).rank >= Severity(fail_on).rank for ps in found.values() for p in ps) else EXIT_OK


def main(argv: list[str] | None = None) -> int:  # for `python -m winkube.registry.command`
    parser = argparse.ArgumentParser(prog="winkube images", description=__doc__.split("\n", 1)[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


# The images document is built above (it needs the resolution's options); the table is written there too.
IMAGES = Reporter("ImageList", lambda doc: doc)
