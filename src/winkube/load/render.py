"""Helm charts and Kustomize directories → named texts, rendered by the real tools.

winkube never reimplements Go templates or kustomize: it runs `helm template` and
`kustomize build` and splits their output back into the files it came from:

- helm writes `# Source: CHART/templates/x.yaml` above every document. The documents of one
  template become one source named after the template file (the chart directory joined with the
  marker's path); its text is exactly what `helm template CHART --show-only templates/x.yaml`
  prints, so a finding's line is a line of that output.
- kustomize adds a `config.kubernetes.io/origin` annotation to every object when asked to
  (`buildMetadata: [originAnnotations]`). winkube asks through a throw-away kustomization that
  has the user's directory as its only resource (a relative path: kustomize refuses absolute
  ones), so nothing in the repository changes. The objects
  of one origin file become one source named after it; objects a generator made are named after
  the kustomization file that configured the generator.

A missing tool or a failing render is one input error with the tool's own message.
"""
from __future__ import annotations

import os
import re
from ..model.finding import InputError
from ..record import Record
from .inputs import Source

TIMEOUT = 300  # seconds for one render: a chart with many subcharts is slow, a hung one is not
_HELM_SOURCE = re.compile(r"^# Source: (.+)$", re.M)
_ORIGIN = "config.kubernetes.io/origin"


class RenderOptions(Record):
    __slots__ = ("values", "set", "kube_version", "release", "namespace")

    def __init__(self, values: list[str] | None = None, set: list[str] | None = None, kube_version: str | None = None,
                 release: str = "release-name", namespace: str | None = None):
        self.values = [] if values is None else values  # helm --values FILE (repeatable)
        self.set = [] if set is None else set  # helm --set K=V (repeatable)
        self.kube_version = kube_version  # helm --kube-version (Capabilities.KubeVersion)
        self.release = release  # helm's own default name for `helm template` without a name
        self.namespace = namespace


def _cache_dir() -> str:
    base = os.environ.get("WINKUBE_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "winkube")
    return base


def find_tool(name: str) -> str | None:
    """$WINKUBE_HELM / $WINKUBE_KUSTOMIZE, then PATH, then the build cache of `make test`."""
    import glob
    import shutil

    explicit = os.environ.get(f"WINKUBE_{name.upper()}")
    if explicit:
        return explicit
    on_path = shutil.which(name)
    if on_path:
        return on_path
    built = sorted(glob.glob(os.path.join(_cache_dir(), name, "*", name)))
    return built[-1] if built else None


HOW_TO_GET = {
    "helm": "install helm (https://helm.sh/docs/intro/install/) or set WINKUBE_HELM to its path; "
            "or lint rendered output: helm template CHART | winkube lint -",
    "kustomize": "install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or set "
                 "WINKUBE_KUSTOMIZE to its path; or lint built output: kubectl kustomize DIR | winkube lint -",
}


def _run(tool: str, argv: list[str], where: str, errors: list[InputError], cwd: str | None = None) -> str | None:
    import subprocess  # here, not at the top: most runs render nothing, and start-up counts

    exe = find_tool(tool)
    if exe is None:
        errors.append(InputError(where, f"{tool} is needed to render this {'chart' if tool == 'helm' else 'kustomization'}: {HOW_TO_GET[tool]}", None))
        return None
    try:
        done = subprocess.run([exe, *argv], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        errors.append(InputError(where, f"{tool} failed: {e}", None))
        return None
    if done.returncode != 0:
        message = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit code {done.returncode}"
        errors.append(InputError(where, f"{tool} {argv[0]} failed: {message}", None))
        return None
    return done.stdout


def render_chart(chart: str, errors: list[InputError], options: RenderOptions | None = None) -> list[Source]:
    """`helm template` of the chart directory, one Source per template file."""
    o = options or RenderOptions()
    if o.kube_version is None:  # helm assumes v1.20 without a cluster; winkube's default release instead
        from ..k8s import releases

        o = RenderOptions(o.values, o.set, f"v{releases.text(releases.newest())}.0", o.release, o.namespace)
    argv = ["template", o.release, chart]
    for v in o.values:
        argv += ["--values", v]
    for s in o.set:
        argv += ["--set", s]
    if o.kube_version:
        argv += ["--kube-version", o.kube_version]
    if o.namespace:
        argv += ["--namespace", o.namespace]
    out = _run("helm", argv, chart, errors)
    if out is None:
        return []
    return split_helm_output(chart, out)


def split_helm_output(chart: str, text: str) -> list[Source]:
    """Rendered documents grouped by their `# Source:` template, named by the template's file."""
    by_template: dict[str, list[str]] = {}
    for chunk in re.split(r"^---[ \t]*$\n?", text, flags=re.M):
        m = _HELM_SOURCE.search(chunk)
        if not chunk.strip() or m is None:
            continue
        template = m.group(1).strip()
        by_template.setdefault(template, []).append(chunk[m.start():])
    sources = []
    for template, chunks in by_template.items():
        # the marker's first segment is the chart's name, not its directory's
        rel = template.split("/", 1)[1] if "/" in template else template
        name = os.path.join(chart, rel) if chart not in (".", "") else rel
        body = "".join("---\n" + c if c.endswith("\n") else "---\n" + c + "\n" for c in chunks)
        sources.append(Source(name, body, False))
    return sources


def render_kustomization(directory: str, errors: list[InputError]) -> list[Source]:
    """`kustomize build` with origin annotations, one Source per origin file."""
    import tempfile

    target = os.path.abspath(directory)
    with tempfile.TemporaryDirectory(prefix="winkube-kustomize-") as tmp:
        with open(os.path.join(tmp, "kustomization.yaml"), "w", encoding="utf-8") as fh:
            fh.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                     f"resources:\n- {_quote(os.path.relpath(target, tmp))}\nbuildMetadata: [originAnnotations]\n")
        out = _run("kustomize", ["build", tmp], directory, errors)
        if out is None:
            return []
        return split_kustomize_output(directory, out, tmp)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def split_kustomize_output(directory: str, text: str, built_from: str) -> list[Source]:
    """Objects grouped by their origin annotation's file; the annotation lines are dropped."""
    import yaml

    by_origin: dict[str, list[str]] = {}
    for chunk in re.split(r"^---[ \t]*$\n?", text, flags=re.M):
        if not chunk.strip():
            continue
        name = directory
        m = re.search(rf"^([ \t]+){re.escape(_ORIGIN)}: \|\n((?:\1[ \t]+.*\n?)+)", chunk, re.M)
        if m is not None:
            try:
                origin = yaml.safe_load(_dedent(m.group(2))) or {}
            except yaml.YAMLError:
                origin = {}
            origin = origin if isinstance(origin, dict) else {}
            # a resource names its file; a generated object the kustomization that generated it
            path = origin.get("path") or origin.get("configuredIn")
            if isinstance(path, str) and not origin.get("repo"):
                name = os.path.relpath(os.path.normpath(os.path.join(built_from, path)))
                if name.startswith(".." + os.sep) and os.path.isabs(directory):
                    name = os.path.normpath(os.path.join(built_from, path))
            chunk = chunk[: m.start()] + chunk[m.end():]
            chunk = re.sub(r"^([ \t]*)annotations:[ \t]*\n(?!\1[ \t])", "", chunk, flags=re.M)  # left empty
        by_origin.setdefault(name, []).append(chunk if chunk.endswith("\n") else chunk + "\n")
    return [Source(name, "---\n".join(chunks), False, "kustomize", directory) for name, chunks in by_origin.items()]


def relocate(findings, sources: list[Source]) -> None:
    """Findings on kustomize output point into a real file. The object is found in its origin file
    by kind and name (kustomize may have added a prefix or suffix); when the reported field is not
    in that file (a patch added it), the YAML files below the built kustomization directories are
    searched for a document of the same kind and name that has the field (the patch). Otherwise
    the nearest parent the origin file has is reported. Objects a generator made keep the built
    text's position."""
    built = {s.name for s in sources if s.rendered_by == "kustomize"}
    cache: dict[str, list] = {}
    patches = None
    for f in findings:
        if f.file not in built or f.object is None:
            continue
        origin = _matching(_docs(f.file, cache), f)
        if origin is None:
            continue
        target = origin
        if not _has_path(origin.obj, f.path):
            if patches is None:
                roots = sorted({s.rendered_from for s in sources if s.rendered_from})
                patches = [p for d in roots for p in _yaml_files(d)]
            for path in patches:
                doc = _matching(_docs(path, cache), f)
                if doc is not None and doc is not origin and _has_path(doc.obj, f.path):
                    target = doc
                    break
        f.file = target.file
        f.line, f.column = target.locate(f.path)
        f.source_line = target.line_text(f.line)


def _docs(path: str, cache: dict[str, list]) -> list:
    from .documents import read_text

    if path not in cache:
        try:
            with open(path, encoding="utf-8-sig") as fh:
                cache[path] = list(read_text(path, fh.read(), []))
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    return cache[path]


def _matching(docs: list, finding):
    for doc in docs:
        obj = doc.obj
        if not isinstance(obj, dict) or obj.get("kind") != finding.object.kind:
            continue
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if isinstance(name, str) and name and finding.object.name and name in finding.object.name:
            return doc
    return None


_MISSING = object()


def _has_path(obj, path) -> bool:
    from ..model.paths import get

    return get(obj, path, _MISSING) is not _MISSING


def _yaml_files(directory: str) -> list[str]:
    out = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [os.path.join(root, f) for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return out

def _dedent(block: str) -> str:
    lines = block.splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)
