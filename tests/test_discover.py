"""Discovery like the peers (issue 11, item 1): a repository walk lints Kubernetes objects, skips
other YAML without error, honours .gitignore as git does, and empty input is exit 2."""
from __future__ import annotations

import json
import subprocess

from test_cli import GOOD_POD, WINDOWS_POD, run

WORKFLOW = "name: ci\non: [push]\njobs:\n  test: {runs-on: ubuntu-latest, steps: [{run: make test}]}\n"


def git_repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    files = {
        ".github/workflows/ci.yml": WORKFLOW,
        ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks: []\n",
        ".winkube.yaml": "failOn: error\n",
        "docker-compose.yml": "services:\n  web: {image: nginx}\n",
        "k8s/good.yaml": GOOD_POD,
        "k8s/bad.yaml": WINDOWS_POD,
        "k8s/values.json": '{"replicas": 3}',
        "k8s/empty.yaml": "",
        ".gitignore": "build/\n*.generated.yaml\n",
        "build/broken.yaml": "kind: Pod\nspec: [unclosed\n",
        "k8s/x.generated.yaml": "kind: Pod\nspec: [unclosed\n",
        "vendor/.gitignore": "*.yaml\n!keep.yaml\n",
        "vendor/drop.yaml": "kind: Pod\nspec: [unclosed\n",
        "vendor/keep.yaml": WINDOWS_POD.replace("name: w", "name: kept"),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_repository_walk_skips_non_kubernetes_yaml_and_gitignored_paths(tmp_path):
    repo = git_repo(tmp_path)
    r = run("lint", "-v", ".", cwd=repo)
    assert r.returncode == 1, r.stdout + r.stderr  # findings, but no input error
    assert "invalid YAML" not in r.stdout and "input error" not in r.stdout
    assert "build/broken.yaml" not in r.stdout and "x.generated.yaml" not in r.stdout  # .gitignore
    assert "vendor/drop.yaml" not in r.stdout  # a nested .gitignore
    assert "vendor/keep.yaml" in r.stdout  # ... and its negation
    skipped = sorted(line.split(": ")[1].removeprefix("skipped ") for line in r.stderr.splitlines() if line.startswith("winkube: skipped"))
    assert skipped == [".github/workflows/ci.yml", ".pre-commit-config.yaml", ".winkube.yaml", "docker-compose.yml",
                       "k8s/empty.yaml", "k8s/values.json"]
    data = json.loads(run("lint", "-o", "json", ".", cwd=repo).stdout)
    assert {s["file"]: s["reason"] for s in data["skipped"]}["k8s/empty.yaml"] == "empty"
    assert data["summary"]["skipped"] == 6 and data["summary"]["objects"] == 3 and data["errors"] == []
    # unparseable YAML stays an input error with its line; --no-gitignore walks everything
    r = run("lint", "--no-gitignore", ".", cwd=repo)
    assert r.returncode == 2 and "build/broken.yaml:3: error: invalid YAML" in r.stdout


def test_named_non_kubernetes_files_are_skipped_like_walked_ones(tmp_path):
    repo = git_repo(tmp_path)  # what pre-commit does: name the changed files
    r = run("lint", ".pre-commit-config.yaml", ".winkube.yaml", "k8s/good.yaml", cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr


def test_empty_input_is_exit_2_with_a_clear_line(tmp_path):
    r = run("lint", "-", stdin="")
    assert r.returncode == 2 and "-: error: nothing was read from stdin" in r.stdout
    r = run("lint", stdin="")  # no arguments, a pipe that brought nothing: `helm template … | winkube lint`
    assert r.returncode == 2 and "nothing was read from stdin" in r.stdout
    repo = git_repo(tmp_path)
    r = run("lint", ".github", cwd=repo)
    assert r.returncode == 2
    assert r.stderr.strip() == ("winkube: error: no Kubernetes objects in .github "
                                "(files without apiVersion and kind are skipped; -v lists them)")
    assert run("lint", "--allow-empty", ".github", cwd=repo).returncode == 0  # the pre-commit hook's choice


def test_a_chart_without_helm_is_one_clear_error(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: {{ .Release.Name }}}\n")
    env = {"PATH": "/usr/bin:/bin", "WINKUBE_CACHE": str(tmp_path / "no-cache"), "WINKUBE_HELM": ""}
    for arg in ("chart", "chart/templates/pod.yaml"):  # a named template stands for its chart
        r = run("lint", arg, cwd=tmp_path, env=env)
        assert r.returncode == 2
        assert r.stdout.startswith("chart: error: helm is needed to render this chart: install helm"), r.stdout
        assert "WINKUBE_HELM" in r.stdout and "Traceback" not in r.stdout + r.stderr


def test_this_repository_lints_at_its_root_without_input_errors(helm, kustomize):
    """Done-when of issue 11: at the root of a repository like this one (a chart, workflows-like
    YAML, configs, test data), `winkube lint .` exits 0 or 1, never 2, and finds what is there."""
    from test_cli import ROOT

    r = run("lint", "-o", "json", "-v", ".", cwd=ROOT, env={"WINKUBE_HELM": helm, "WINKUBE_KUSTOMIZE": kustomize})
    assert r.returncode in (0, 1), r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads(r.stdout)
    assert data["errors"] == []
    files = {f["file"] for f in data["findings"]}
    assert any(f.startswith("examples/") for f in files)  # the demo's manifests
    assert any(f.startswith("tests/data/charts/retina/templates/") for f in files)  # a chart, rendered
    skipped = {s["file"] for s in data["skipped"]}
    assert ".pre-commit-hooks.yaml" in skipped and "action.yml" in skipped


def test_a_manifest_without_api_version_is_an_error_not_skipped(tmp_path):
    (tmp_path / "pod.yaml").write_text(GOOD_POD.replace("apiVersion: v1\n", ""))
    r = run("lint", "pod.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "pod.yaml:1: error: Pod: apiVersion not set" in r.stdout


def test_an_empty_list_from_kubectl_is_input_not_empty():
    r = run("lint", "-", stdin="apiVersion: v1\nkind: List\nitems: []\n")
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("lint", "-", stdin="# only a comment\n")
    assert r.returncode == 2 and "no Kubernetes objects in stdin" in r.stderr
