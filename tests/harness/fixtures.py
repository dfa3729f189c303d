"""Session fixtures: a real etcd + kube-apiserver (and kube-scheduler on demand) on 127.0.0.1.

If the binaries cannot be built or the servers do not come up, every test that needs them FAILS
(never skips) with the reason and the path of the server logs.
"""

from __future__ import annotations

import shutil

import httpx
import pytest

from .controlplane import LOG_ROOT, ControlPlane, ControlPlaneError, binaries_dir, kube_version as _kube_version

_state: dict = {}


def _prune_old_logs(keep: int = 10) -> None:
    if not LOG_ROOT.is_dir():
        return
    runs = sorted((p for p in LOG_ROOT.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


@pytest.fixture(scope="session")
def kube_version() -> str:
    """The Kubernetes release under test (tools/kube/go.mod, or env WINKUBE_KUBE_VERSION)."""
    return _kube_version()


@pytest.fixture(scope="session")
def control_plane(kube_version: str):
    _prune_old_logs()
    try:
        bindir = binaries_dir(kube_version)
        cp = ControlPlane.start(bindir, kube_version)
    except ControlPlaneError as exc:
        pytest.fail(f"the real Kubernetes control plane is required and could not be started:\n{exc}", pytrace=False)
    _state["cp"] = cp
    print(f"\ncontrol plane {kube_version} up in {cp.startup_seconds:.1f}s at {cp.url}; logs in {cp.logdir}")
    try:
        yield cp
    finally:
        cp.stop()


@pytest.fixture(scope="session")
def kube(control_plane: ControlPlane):
    """One persistent, thread-safe httpx client (admin token, verified against the test CA)."""
    with control_plane.client() as client:
        yield client


@pytest.fixture(scope="session")
def kube_scheduler(control_plane: ControlPlane):
    try:
        return control_plane.start_scheduler()
    except ControlPlaneError as exc:
        pytest.fail(f"kube-scheduler could not be started:\n{exc}", pytrace=False)


@pytest.fixture(scope="session")
def register_node(control_plane: ControlPlane, kube: httpx.Client):
    """register_node(name, os_name="linux", ...) -> Node, already Ready (no kubelet involved)."""

    def _register(name: str, **kw) -> dict:
        return control_plane.register_node(kube, name, **kw)

    return _register


@pytest.fixture(scope="session")
def namespace(control_plane: ControlPlane, kube: httpx.Client):
    """ensure_namespace(name): namespace plus its `default` ServiceAccount (no controller-manager here)."""

    def _ensure(name: str) -> str:
        control_plane.ensure_namespace(kube, name)
        return name

    return _ensure


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cp = _state.get("cp")
    if report.failed and cp is not None:
        report.sections.append(("control plane logs", f"server logs for this run: {cp.logdir}"))


@pytest.fixture(scope="session")
def helm() -> str:
    """The helm binary built by tools/build-helm.sh (cached)."""
    from .tools import built_tool
    return built_tool("helm")


@pytest.fixture(scope="session")
def kustomize() -> str:
    """The kustomize binary built by tools/build-kustomize.sh (cached)."""
    from .tools import built_tool
    return built_tool("kustomize")
