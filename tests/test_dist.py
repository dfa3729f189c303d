"""Installable the way Python tools are (issue 11, item 8): `python -m build` makes the sdist and,
from it, the wheel; the wheel goes into a fresh venv (its dependencies from PyPI) and lints the
examples with the knowledge data and the embedded profile it ships."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from test_cli import ROOT

ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def sh(*argv, cwd=None, timeout=900):
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_wheel_from_the_sdist_installs_into_a_fresh_venv_and_lints_the_examples(tmp_path):
    out = tmp_path / "dist"
    r = sh(sys.executable, "-m", "build", "--outdir", out, ROOT)  # sdist first, then the wheel built from it
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # no setuptools warning (a file list mentions rule modules such as deprecated_node_label.py, so
    # look for warning lines, not the bare word)
    log = r.stdout + r.stderr
    assert "BuildBackendWarning" not in log and "Warning:" not in log and "is deprecated" not in log.lower(), log[-3000:]
    (wheel,) = out.glob("winkube-*-py3-none-any.whl")
    assert len(list(out.glob("winkube-*.tar.gz"))) == 1
    names = zipfile.ZipFile(wheel).namelist()
    assert {"winkube/knowledge/failures.yaml", "winkube/profiles/default.yaml", "winkube/rules/index.py"} <= set(names)
    # the structural schema of every release (knowledge/openapi/v<release>.json)
    schemas = {f"winkube/knowledge/openapi/{p.name}" for p in (ROOT / "src/winkube/knowledge/openapi").glob("v*.json")}
    assert len(schemas) == 13 and schemas <= set(names)
    assert not any(n.startswith(("tests/", "bench/")) for n in names)

    venv = tmp_path / "venv"
    assert sh(sys.executable, "-m", "venv", venv).returncode == 0
    r = sh(venv / "bin" / "pip", "install", "--quiet", "--progress-bar", "off", wheel)
    assert r.returncode == 0, r.stderr[-3000:]
    winkube = venv / "bin" / "winkube"
    # from a directory outside the source tree: nothing can come from src/
    r = sh(winkube, "lint", "--no-config", ROOT / "examples", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr  # the examples have findings, and no input error
    assert "image-build-incompatible" in r.stdout and "input error" not in r.stdout
    # a release's own schema from the wheel: resizePolicy came in 1.27, so 1.26 does not know it
    manifest = tmp_path / "pod.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
                        "    image: nginx\n    resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]\n")
    r = sh(winkube, "lint", "--no-config", "--kube-version", "1.26", manifest, cwd=tmp_path)
    assert r.returncode == 1 and 'unknown field "spec.containers[0].resizePolicy"' in r.stdout, r.stdout + r.stderr
    r = sh(winkube, "lint", "--no-config", "--kube-version", "1.27", manifest, cwd=tmp_path)
    assert "unknown field" not in r.stdout, r.stdout + r.stderr
    r = sh(winkube, "explain", "The container operating system does not match the host operating system", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("E2 ")  # the failure catalogue (knowledge data) is in the wheel
    r = sh(venv / "bin" / "python", "-c", "import winkube, sys; print(winkube.__file__)", cwd=tmp_path)
    assert str(venv) in r.stdout and str(ROOT / "src") not in r.stdout
