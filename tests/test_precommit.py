"""The pre-commit hook on a real repository, run by the real pre-commit (issue 11, item 6).

The hook repository is a real git clone of this work tree with its current files committed, so
pre-commit installs the hook exactly as users get it (`repo:` + `rev:`, pip install into its own
environment). The repository under test has workflows, a pre-commit config, winkube's config, a
Helm chart (rendered by the helm the Makefile builds), and good and bad manifests."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_cli import BIN, GOOD_POD, ROOT, WINDOWS_POD

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_ENV, HOME=str(cwd))
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This work tree's files (committed or not, as `git ls-files` lists them) as one commit."""
    src = tmp_path_factory.mktemp("winkube-hook-repo")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "hook under test")
    return src, git(src, "rev-parse", "HEAD")


def user_repo(tmp_path: Path, hook: tuple[Path, str]) -> Path:
    src, rev = hook
    repo = tmp_path / "app"
    files = {
        ".pre-commit-config.yaml": f"repos:\n- repo: {src}\n  rev: {rev}\n  hooks:\n  - id: winkube-lint\n",
        ".winkube.yaml": "failOn: error\n",
        ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  t: {runs-on: ubuntu-latest, steps: [{run: make}]}\n",
        "k8s/good.yaml": GOOD_POD,
        "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "chart/values.yaml": "image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n",
        "chart/templates/pod.yaml": GOOD_POD.replace("name: w}", "name: {{ .Release.Name }}-web}")
                                            .replace("mcr.microsoft.com/windows/nanoserver:ltsc2022", "{{ .Values.image }}"),
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def pre_commit(repo: Path, helm: str, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **GIT_ENV, PRE_COMMIT_HOME=str(cache), WINKUBE_HELM=helm, NO_COLOR="1")
    return subprocess.run([str(BIN / "pre-commit"), "run", "--color", "never", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory) -> Path:
    """One PRE_COMMIT_HOME for the module: the hook's environment is installed once (same repo and rev)."""
    return tmp_path_factory.mktemp("pre-commit-cache")


def test_hook_passes_a_clean_repository_and_fails_on_a_bad_manifest(hook_repo, helm, precommit_home, tmp_path):
    cache = precommit_home
    repo = user_repo(tmp_path, hook_repo)
    r = pre_commit(repo, helm, cache, "--all-files")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "winkube lint (Windows containers on Kubernetes)" in r.stdout and "Passed" in r.stdout

    (repo / "k8s" / "bad.yaml").write_text(WINDOWS_POD)
    git(repo, "add", "-A")
    r = pre_commit(repo, helm, cache, "--all-files")
    assert r.returncode == 1 and "Failed" in r.stdout
    assert "k8s/bad.yaml:11:" in r.stdout and "windows-forbidden-field" in r.stdout
    assert "input error" not in r.stdout  # the workflow, the configs and the chart's templates are no errors

    # a commit that touches only non-Kubernetes YAML passes; one that touches a chart template lints the chart
    (repo / "k8s" / "bad.yaml").unlink()
    (repo / ".github" / "workflows" / "ci.yml").write_text("name: ci2\non: [push]\njobs: {}\n")
    git(repo, "add", "-A")
    r = pre_commit(repo, helm, cache)
    assert r.returncode == 0, r.stdout + r.stderr
    (repo / "chart" / "templates" / "pod.yaml").write_text(
        (repo / "chart" / "templates" / "pod.yaml").read_text().replace("    image:", "    securityContext: {runAsUser: 1}\n    image:"))
    git(repo, "add", "-A")
    r = pre_commit(repo, helm, cache)
    assert r.returncode == 1 and "chart/templates/pod.yaml:" in r.stdout and "windows-forbidden-field" in r.stdout


def test_hook_on_this_repository_itself(hook_repo, helm, kustomize, precommit_home):
    """Done-when of issue 11: `pre-commit run --all-files` at the root of a repository like this one
    (a chart, test charts, kustomizations, configs, the hook's own files) exits 0 or 1, never 2, and
    finds what is there. The repository is the hook repository itself: a copy of this work tree."""
    src, rev = hook_repo
    (src / ".pre-commit-config.yaml").write_text(f"repos:\n- repo: {src}\n  rev: {rev}\n  hooks:\n  - id: winkube-lint\n")
    git(src, "add", ".pre-commit-config.yaml")
    env = dict(os.environ, **GIT_ENV, PRE_COMMIT_HOME=str(precommit_home), WINKUBE_HELM=helm, WINKUBE_KUSTOMIZE=kustomize,
               NO_COLOR="1")
    r = subprocess.run([str(BIN / "pre-commit"), "run", "--color", "never", "--all-files"], cwd=src, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode in (0, 1), r.stdout[-3000:] + r.stderr[-3000:]
    assert "input error" not in r.stdout
    assert "examples/windows-pod-rejected.yaml:" in r.stdout  # the demo's bad manifest is found
    assert "tests/data/charts/retina/templates/" in r.stdout  # a chart, rendered by helm
