"""The layering contract and the rules that keep one Kubernetes semantics layer and one exception
tree: checked on the source, so a change that breaks them fails `make test`."""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import winkube
from winkube.errors import WinkubeError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "winkube"


def _modules():
    for info in pkgutil.walk_packages(winkube.__path__, "winkube."):
        if info.name.endswith("__main__"):
            continue
        yield info.name, importlib.import_module(info.name)


def _package(module: str) -> str:
    """winkube.rules.nodes._common -> winkube.rules; winkube.engine -> winkube.engine."""
    return ".".join(module.split(".")[:2])


def test_import_linter_contract_is_kept():
    # the real tool (import-linter, from PyPI) with the contract in pyproject.toml
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_no_module_imports_another_packages_private_names():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(parts)
        here = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = here.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("winkube"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.endswith("__")
                if private and _package(target) != _package(module):
                    offenders.append(f"{module}: from {target} import {alias.name}")
    assert offenders == []


def test_every_winkube_exception_is_under_winkube_error_and_shadows_no_builtin():
    seen: dict[str, str] = {}
    for name, mod in _modules():
        for cls_name, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ != name:
                continue
            assert cls_name not in dir(builtins), f"{name}.{cls_name} shadows a built-in"
            if issubclass(cls, BaseException):
                assert issubclass(cls, WinkubeError), f"{name}.{cls_name} is not under WinkubeError"
                assert cls_name not in seen, f"{cls_name} is defined twice ({seen[cls_name]}, {name})"
                seen[cls_name] = name
    assert {"InvalidInput", "ConfigError", "ClusterError", "RegistryError", "ProfileError"} <= set(seen)


def test_no_class_is_defined_twice_under_one_name_for_credentials_or_config():
    names: dict[str, list[str]] = {}
    for name, mod in _modules():
        for cls_name, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ == name:
                names.setdefault(cls_name, []).append(name)
    assert len(names.get("Credentials", [])) <= 1, names["Credentials"]
    assert len(names.get("ConfigError", [])) == 1, names["ConfigError"]


def test_no_assert_statement_validates_anything_in_the_package():
    # `python -O` strips asserts: validation must raise a real error
    found = [f"{p.relative_to(SRC)}:{n.lineno}" for p in SRC.rglob("*.py")
             for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))) if isinstance(n, ast.Assert)]
    assert found == []


def test_the_k8s_package_imports_nothing_above_it():
    for path in (SRC / "k8s").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                assert (node.module or "").split(".")[0] in ("knowledge", "errors", "record"), f"{path.name}: from {'.' * node.level}{node.module}"
