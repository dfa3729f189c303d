"""`winkube lint --resolve-images` against the real registry: real platforms replace tag conventions."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import PASSWORD, USER

WINKUBE = str(Path(sys.executable).parent / "winkube")


def _pod(image: str, build: str | None = None) -> str:
    sel = {"kubernetes.io/os": "windows"}
    if build:
        sel["node.kubernetes.io/windows-build"] = build
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "os": {"name": "windows"}, "nodeSelector": sel,
        "tolerations": [{"key": "os", "operator": "Exists", "effect": "NoSchedule"}],
        "containers": [{"name": "c", "image": image}]}})


def _lint(env, tmp_path, text: str, *extra: str):
    f = tmp_path / "pod.json"
    f.write_text(text)
    r = subprocess.run([WINKUBE, "lint", "-o", "json", "--resolve-images", "--ca-file", str(env.pki.ca_cert), *extra, str(f)],
                       capture_output=True, text=True, timeout=120, env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")))
    return r, json.loads(r.stdout) if r.stdout.strip() else None


def test_pull_secret_in_the_input_and_real_platforms(env, tmp_path):
    # The tag says nothing about Windows; the registry's index has ltsc2019/2022/2025 and Linux entries.
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pull"}, "type": "kubernetes.io/dockerconfigjson",
              "data": {".dockerconfigjson": base64.b64encode(json.dumps({"auths": {env.basic.host: {"auth": auth}}}).encode()).decode()}}
    ref = f"{env.basic.host}/win/app:multi"
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": [secret, json.loads(_pod(ref))]})
    r, out = _lint(env, tmp_path, text)
    assert r.returncode == 0, r.stdout + r.stderr
    assert PASSWORD not in r.stdout + r.stderr and auth not in r.stdout + r.stderr
    assert not [f for f in out["findings"] if f["rule"].startswith("image-")] or all(
        f["rule"] == "image-index-selection" for f in out["findings"] if f["rule"].startswith("image-"))


def test_image_without_a_build_for_the_pools(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    # pinned to 2022 nodes: fine; the same index on a (hypothetical) 1809-only profile is not
    profile = tmp_path / "profile.yaml"
    profile.write_text("nodePools:\n- {name: w1903, os: windows, windowsBuild: 10.0.18362, taints: [{key: os, value: windows, effect: NoSchedule}]}\n")
    cfg = tmp_path / "docker.json"
    cfg.write_text(json.dumps({"auths": {env.basic.host: {"auth": base64.b64encode(f'{USER}:{PASSWORD}'.encode()).decode()}}}))
    r, out = _lint(env, tmp_path, _pod(ref), "--profile", str(profile), "--docker-config", str(cfg))
    assert r.returncode == 1, r.stdout + r.stderr
    (f,) = [f for f in out["findings"] if f["rule"] == "image-build-incompatible"]
    assert "registry:" in f["message"] and "Windows Server 2019 (17763)" in f["message"] and "w1903" in f["message"]


def test_unreachable_image_is_an_input_error_and_the_rest_is_linted(env, tmp_path):
    r, out = _lint(env, tmp_path, _pod(f"{env.basic.host}/win/app:does-not-exist"))
    assert r.returncode == 2
    assert any("does-not-exist" in e["message"] for e in out["errors"])
    assert out["summary"]["objects"] == 1


def test_run_as_non_root_reads_the_image_config_user(env, tmp_path):
    # a single-platform Windows image whose config names ContainerAdministrator: the kubelet refuses
    # runAsNonRoot; one that sets no user passes the kubelet's check and still runs as administrator
    platform = {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.3207"}
    env.basic_pusher.image("win/admin", platform, tag="v1", user="ContainerAdministrator")
    env.basic_pusher.image("win/nouser", platform, tag="v1", salt="nouser")
    cfg = tmp_path / "docker.json"
    cfg.write_text(json.dumps({"auths": {env.basic.host: {"auth": base64.b64encode(f'{USER}:{PASSWORD}'.encode()).decode()}}}))
    for repo, severity, text in (("win/admin", "error", "container's runAsUser (ContainerAdministrator)"),
                                 ("win/nouser", "warning", "runs as ContainerAdministrator anyway")):
        pod = json.loads(_pod(f"{env.basic.host}/{repo}:v1", "10.0.20348"))
        pod["spec"]["securityContext"] = {"runAsNonRoot": True}
        r, out = _lint(env, tmp_path, json.dumps(pod), "--docker-config", str(cfg))
        (f,) = [f for f in out["findings"] if f["rule"] == "run-as-non-root-image-user"]
        assert f["severity"] == severity and text in f["message"] and "image config" in f["message"], f
