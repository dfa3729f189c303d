"""Kustomize directories built by the real kustomize (issue 11, item 3); findings point into the
file the object or the field came from, through kustomize's origin annotations."""
from __future__ import annotations

import json
import subprocess

from test_cli import run

BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: iis
        image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
        securityContext:
          privileged: true
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      securityContext: {runAsUser: 1000}
"""


def overlay_repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    files = {
        "base/deployment.yaml": BASE,
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
        "overlays/win/patch.yaml": PATCH,
        "overlays/win/kustomization.yaml": "resources:\n- ../../base\nnamePrefix: prod-\npatches:\n- path: patch.yaml\n"
                                           "configMapGenerator:\n- name: settings\n  literals: [a=b]\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_overlay_findings_point_into_base_and_patch_files(kustomize, tmp_path):
    repo = overlay_repo(tmp_path)
    r = run("lint", "--no-config", "-o", "json", "overlays/win", cwd=repo, env={"WINKUBE_KUSTOMIZE": kustomize})
    assert r.returncode == 1, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["errors"] == []
    where = {f["path"].rsplit(".", 1)[1]: (f["file"], f["line"], f["column"]) for f in data["findings"]}
    # the field the patch added is reported in the patch, at its own line and column
    assert where["runAsUser"] == ("overlays/win/patch.yaml", 10, 25)
    assert PATCH.splitlines()[9][24:].startswith("runAsUser")
    # a field of the base is reported in the base file (the object is prod-web after namePrefix)
    assert where["privileged"] == ("base/deployment.yaml", 14, 11)
    assert {f["object"]["name"] for f in data["findings"]} == {"prod-web"}
    # the generated ConfigMap has no file of its own: it is an object, with no finding, and no error
    assert data["summary"]["objects"] == 2


def test_a_file_named_inside_a_kustomization_stands_for_it_and_broken_ones_are_one_error(kustomize, tmp_path):
    repo = overlay_repo(tmp_path)
    env = {"WINKUBE_KUSTOMIZE": kustomize}
    # pre-commit names the patch alone: linted as a partial object it would be wrong; the overlay is built
    r = run("lint", "--no-config", "-o", "json", "overlays/win/patch.yaml", cwd=repo, env=env)
    assert {f["file"] for f in json.loads(r.stdout)["findings"]} == {"overlays/win/patch.yaml", "base/deployment.yaml"}
    (repo / "overlays/win/kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    r = run("lint", "--no-config", "overlays/win", cwd=repo, env=env)
    assert r.returncode == 2 and r.stdout.startswith("overlays/win: error: kustomize build failed:"), r.stdout
    assert "missing.yaml" in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert not list(repo.rglob("*winkube*"))  # nothing written into the repository


def test_origin_annotations_name_the_sources(kustomize, tmp_path, monkeypatch):
    """kustomize's own output, split: resources by their file, generated objects by the
    kustomization that configured the generator; the annotation itself is dropped."""
    from winkube.load.render import split_kustomize_output

    repo = overlay_repo(tmp_path)
    (tmp_path / "wrap").mkdir()
    (tmp_path / "wrap" / "kustomization.yaml").write_text(
        "resources:\n- ../overlays/win\nbuildMetadata: [originAnnotations]\n")
    out = subprocess.run([kustomize, "build", str(tmp_path / "wrap")], capture_output=True, text=True, check=True).stdout
    monkeypatch.chdir(repo)  # names are relative to the working directory, as the command line gives them
    sources = split_kustomize_output("overlays/win", out, str(tmp_path / "wrap"))
    by_name = {s.name: s.text for s in sources}
    assert set(by_name) == {"base/deployment.yaml", "overlays/win/kustomization.yaml"}
    assert "kind: ConfigMap" in by_name["overlays/win/kustomization.yaml"]
    assert "config.kubernetes.io/origin" not in "".join(by_name.values())
