"""What a directory walk lints, the way kube-linter, Trivy and Kubescape walk a repository.

- `.yaml`, `.yml` and `.json` files are read; files whose documents are not Kubernetes objects
  (CI workflows, pre-commit and winkube's own config, compose and values files) are skipped by
  the engine, not reported as errors (`Result.skipped`, listed with `-v` and in JSON output).
- A directory holding `Chart.yaml` is a Helm chart: it is rendered with `helm template`, never
  read file by file (its templates are Go templates, not YAML). A directory holding a
  kustomization file is built with kustomize. Both are done by load/render.py.
- `.gitignore` files are honoured as git does (pathspec's GitIgnoreSpec: every `.gitignore`
  from the repository root down, deeper files overriding shallower ones, negations included), so
  build output and vendored trees stay out. A file named on the command line is always read.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from ..model.finding import InputError
from ..record import FrozenRecord

EXTENSIONS = (".yaml", ".yml", ".json")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})
CHART_FILE = "Chart.yaml"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Found(FrozenRecord):
    """One thing to lint: a manifest file, a Helm chart or a kustomization directory."""

    __slots__ = ("kind", "path")

    def __init__(self, kind: str, path: str):  # kind: "file" | "chart" | "kustomization"
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "path", path)


def kind_of_dir(path: str) -> str | None:
    """"chart", "kustomization" or None for a plain directory."""
    if os.path.isfile(os.path.join(path, CHART_FILE)):
        return "chart"
    if any(os.path.isfile(os.path.join(path, name)) for name in KUSTOMIZATION_FILES):
        return "kustomization"
    return None


class GitIgnore:
    """The .gitignore rules that apply below one walk root, loaded directory by directory."""

    def __init__(self, root: str) -> None:
        self._specs: dict[str, object] = {}  # directory -> GitIgnoreSpec (or None: no .gitignore)
        top = _repository_root(root)
        self._top = top
        if top is not None:  # the .gitignore files above the walk root apply too
            here = os.path.abspath(root)
            chain = []
            while True:
                chain.append(here)
                if here == top:
                    break
                here = os.path.dirname(here)
            for directory in reversed(chain[1:]):
                self._load(directory)

    def _load(self, directory: str):
        if directory not in self._specs:
            spec = None
            try:
                with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().splitlines()
            except OSError:
                lines = []
            if lines:
                import pathspec

                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self._specs[directory] = spec
        return self._specs[directory]

    def enter(self, directory: str) -> None:
        self._load(os.path.abspath(directory))

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git ignores `path`: the deepest .gitignore with a matching pattern decides."""
        if self._top is None:
            return False
        absolute = os.path.abspath(path)
        decision = None
        directory = os.path.dirname(absolute)
        chain = []
        while True:
            chain.append(directory)
            if directory == self._top or os.path.dirname(directory) == directory:
                break
            directory = os.path.dirname(directory)
        for base in reversed(chain):
            spec = self._specs.get(base)
            if spec is None:
                continue
            rel = os.path.relpath(absolute, base).replace(os.sep, "/") + ("/" if is_dir else "")
            include = spec.check_file(rel).include
            if include is not None:
                decision = include
        return bool(decision)


def _repository_root(path: str) -> str | None:
    """The nearest directory at or above `path` that holds .git (a directory or a worktree file)."""
    here = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def walk(path: str, errors: list[InputError], skip: Callable[[str], bool] | None = None,
         gitignore: bool = True) -> Iterator[Found]:
    """Everything to lint below directory `path`, in a stable (sorted) order."""
    kind = kind_of_dir(path)
    if kind is not None:
        yield Found(kind, path)
        return
    ignore = GitIgnore(path) if gitignore else None

    def onerror(e: OSError) -> None:
        errors.append(InputError(e.filename or path, f"cannot read: {e.strerror}", None))

    for root, dirs, files in os.walk(path, onerror=onerror):
        if ignore is not None:
            ignore.enter(root)
        keep = []
        for d in sorted(dirs):
            full = os.path.normpath(os.path.join(root, d))
            if d in SKIP_DIRS or (ignore is not None and ignore.ignored(full, True)):
                continue
            if skip is not None and skip(full):
                continue
            sub = kind_of_dir(full)
            if sub is not None:
                yield Found(sub, full)
                continue
            keep.append(d)
        dirs[:] = keep
        for fname in sorted(files):
            if not fname.lower().endswith(EXTENSIONS):
                continue
            full = os.path.normpath(os.path.join(root, fname))
            if ignore is not None and ignore.ignored(full, False):
                continue
            if skip is not None and skip(full):
                continue
            yield Found("file", full)


def owner_of(file: str) -> Found | None:
    """The chart or kustomization a named file belongs to (its nearest such ancestor directory,
    within the repository), or None. pre-commit names changed files one by one: a chart's
    template is no YAML on its own, and a kustomize patch is no whole object."""
    directory = os.path.dirname(os.path.abspath(file))
    stop = _repository_root(directory)
    if stop is None:  # outside a repository: look no higher than the working directory
        cwd = os.getcwd()
        stop = cwd if directory == cwd or directory.startswith(cwd.rstrip(os.sep) + os.sep) else directory
    while True:
        kind = kind_of_dir(directory)
        parent_dir = os.path.dirname(directory)
        if kind == "chart" and os.path.basename(parent_dir) == "charts" and kind_of_dir(os.path.dirname(parent_dir)) == "chart":
            kind = None  # a subchart under <chart>/charts/ is rendered by its parent, with the parent's values
        if kind is not None:
            return Found(kind, os.path.relpath(directory) if not os.path.isabs(file) else directory)
        parent = os.path.dirname(directory)
        if directory == stop or parent == directory:
            return None
        directory = parent
