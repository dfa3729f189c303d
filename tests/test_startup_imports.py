"""Start-up is most of a pre-commit run (issue 11): `winkube lint` must import only its own front
door. These tests read sys.modules of a real `winkube` process after a run, so a new top-level
import of a heavy module on the lint path fails here, not months later in a benchmark. (Timing is
measured by bench/startup.py, never by a test.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Modules a lint of plain manifests has no use for: other front doors, network clients, the
# webhook's server, JSON Schema, the rules of scopes the input does not have, and standard-library
# modules that were measured to cost start-up time for nothing there.
HEAVY = [
    "httpx", "httpcore", "anyio", "h11", "ssl", "asyncio", "uvicorn", "cryptography", "jsonschema", "pathspec",
    "winkube.registry.client", "winkube.registry.resolve", "winkube.cluster", "winkube.webhook", "winkube.plan",
    "winkube.audit", "winkube.failures", "winkube.lintimages", "winkube.completion",
    "winkube.rules.nodes.node_dockershim_removed", "winkube.rules.kubelet.kubelet_cgroups_fatal_windows",
    "winkube.rules.runtimeclass.runtimeclass_hyperv_isolation",
    "importlib.resources", "zipfile", "tempfile", "json", "difflib", "pkgutil", "textwrap", "pathlib", "subprocess",
    # @dataclass brings inspect (with ast, dis, tokenize): ~45M instructions of a ~470M lint start-up
    "dataclasses", "inspect", "ast",
    "typing",  # ~12M instructions (with contextlib): hints on the lint path import it only under TYPE_CHECKING
]

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      containers:
      - name: web
        image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
        resources: {requests: {cpu: 250m, memory: 256Mi}}
"""


def modules_after(argv: list[str], cwd: Path) -> set[str]:
    """The modules a `winkube ARGV` process has imported when it is done (its own exit code is
    returned by main and ignored here: findings are not the point)."""
    code = ("import io, sys, contextlib\n"
            "from winkube.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main({argv!r})\n"
            "loaded = sorted(sys.modules)\n"
            "import json\n"  # only after the list is taken
            "sys.stdout.write(json.dumps(loaded))\n")
    # a cache of its own, filled by a first run as any earlier run fills it (a cold cache parses the
    # knowledge files, which is allowed to cost more)
    env = {**os.environ, "WINKUBE_CACHE": str(cwd / ".cache")}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
        assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout))


def test_lint_of_manifests_imports_no_heavy_module(tmp_path):
    (tmp_path / "app.yaml").write_text(MANIFEST)
    loaded = modules_after(["lint", "app.yaml"], tmp_path)
    assert "winkube.engine" in loaded and "winkube.rules.admission.windows_forbidden_field" in loaded  # it did lint
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == [], f"`winkube lint` imported {heavy}: import them where they are used (see docs/design.md, start-up)"


def test_node_rules_are_imported_when_the_input_has_nodes(tmp_path):
    # the other side of importing rules per scope: a Node in the input brings the Node rules
    node = "apiVersion: v1\nkind: Node\nmetadata: {name: win-1, labels: {kubernetes.io/os: windows}}\n"
    (tmp_path / "nodes.yaml").write_text(node + "---\n" + MANIFEST)
    loaded = modules_after(["lint", "nodes.yaml"], tmp_path)
    assert "winkube.rules.nodes.node_dockershim_removed" in loaded
    assert "winkube.rules.nodes._pause" in loaded and not {"dataclasses", "inspect"} & loaded


def test_version_imports_neither_the_engine_nor_yaml(tmp_path):
    loaded = modules_after(["--version"], tmp_path)
    assert not {"winkube.engine", "winkube.knowledge", "yaml", "argparse", "gettext", "re", "threading"} & loaded


def test_sarif_still_describes_every_rule(tmp_path):
    # rules are imported per scope, but SARIF's tool.driver.rules lists every rule there is
    from winkube.rules import rule_ids

    (tmp_path / "app.yaml").write_text(MANIFEST)
    out = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-o", "sarif", "app.yaml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    described = {r["id"] for r in json.loads(out.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert described == set(rule_ids())
