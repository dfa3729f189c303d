"""The harness fails loudly and points at the logs when the control plane cannot come up."""

from __future__ import annotations

import pytest

from .controlplane import ControlPlane, ControlPlaneError, binaries_dir


def test_unknown_kube_version_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WINKUBE_KUBE_VERSION", "v0.0.1")
    with pytest.raises(ControlPlaneError, match="no control-plane binaries for v0.0.1"):
        binaries_dir()


def test_apiserver_start_failure_names_the_log(kube_version: str, tmp_path):
    bindir = binaries_dir(kube_version)
    with pytest.raises(ControlPlaneError) as info:
        ControlPlane.start(bindir, kube_version, logdir=tmp_path, extra_apiserver_args=["--no-such-flag"])
    message = str(info.value)
    assert "kube-apiserver exited" in message
    assert str(tmp_path / "kube-apiserver.log") in message
    assert "no-such-flag" in (tmp_path / "kube-apiserver.log").read_text()
