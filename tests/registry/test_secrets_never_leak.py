"""No secret used by these tests appears in anything winkube writes (issue 10, scope 1).

`winkube images` and `winkube audit` run as real processes — against the real registries and
kube-apiserver of the harness, and against a token realm on another host — through their
successful and failing paths, with a private HOME and cache directory. Then every byte of their
stdout, stderr and every file they left under HOME and the cache (logs, cached manifests,
configs, tags) is scanned for each secret, raw and in the encodings it travels in (Basic
user:password base64). Inputs (docker config, kubeconfig, plugins) are kept in a separate
directory that is not scanned: they hold the secrets on purpose."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hostile_http import HostileServer

from .conftest import IDENTITY_TOKEN, PASSWORD, TOKEN_PASSWORD, TOKEN_USER, USER, WINDOWS_LINUX_PLATFORMS

WINKUBE = str(Path(sys.executable).parent / "winkube")
HELPER_SECRET = "helper-Secret-never-printed"
EXEC_TOKEN_PREFIX = "exec-"  # + the harness admin token: a real, working credential


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


@pytest.fixture
def sandbox(tmp_path):
    inputs, home, cache = tmp_path / "inputs", tmp_path / "home", tmp_path / "home" / ".cache"
    for d in (inputs, home, cache):
        d.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "KUBE"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(cache), PATH=f"{inputs}{os.pathsep}{os.environ['PATH']}")
    runs: list[tuple[list[str], subprocess.CompletedProcess]] = []

    def run(*args: str) -> subprocess.CompletedProcess:
        p = subprocess.run([WINKUBE, *args], env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        runs.append((list(args), p))
        return p
    return inputs, home, run, runs


def _scan(home: Path, runs, secrets: list[str]) -> list[str]:
    forms = set()
    for s in secrets:
        forms |= {s, _b64(s)}
    forms |= {_b64(f"{USER}:{PASSWORD}"), _b64(f"{TOKEN_USER}:{TOKEN_PASSWORD}"), _b64(f"{USER}:wrong-{PASSWORD}")}
    found = []
    for args, p in runs:
        for name, data in (("stdout", p.stdout), ("stderr", p.stderr)):
            found += [f"{name} of winkube {' '.join(args)}: {f[:12]}…" for f in forms if f.encode() in data]
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files, "the runs left no file to scan (the cache was not written?)"
    for path in files:
        data = path.read_bytes()
        found += [f"{path}: {f[:12]}…" for f in forms if f.encode() in data]
    return found


def test_registry_credentials_never_appear_in_output_logs_or_cache(env, sandbox):
    inputs, home, run, runs = sandbox
    ca = str(env.pki.ca_cert)
    good = inputs / "good.json"
    good.write_text(json.dumps({"auths": {env.basic.host: {"auth": _b64(f"{USER}:{PASSWORD}")},
                                          env.token.host: {"username": TOKEN_USER, "password": TOKEN_PASSWORD}}}))
    wrong = inputs / "wrong.json"
    wrong.write_text(json.dumps({"auths": {env.basic.host: {"auth": _b64(f"{USER}:wrong-{PASSWORD}")},
                                           env.token.host: {"identitytoken": "wrong-" + IDENTITY_TOKEN}}}))
    ident = inputs / "ident.json"
    ident.write_text(json.dumps({"auths": {env.token.host: {"identitytoken": IDENTITY_TOKEN}}}))
    helper = inputs / "docker-credential-leaktest"
    helper.write_text(f"#!{sys.executable}\nimport json, sys\nsys.stdin.read()\n"
                      f"print(json.dumps({{'Username': {USER!r}, 'Secret': {HELPER_SECRET!r}}}))\n")
    helper.chmod(0o755)
    helped = inputs / "helped.json"
    helped.write_text(json.dumps({"credHelpers": {env.basic.host: "leaktest"}}))
    basic, token = f"{env.basic.host}/win/app:multi", f"{env.token.host}/win/app:multi"

    assert run("images", basic, token, "--docker-config", str(good), "--ca-file", ca).returncode == 0
    assert run("images", basic, token, "-o", "json", "--docker-config", str(good), "--ca-file", ca, "--no-cache").returncode == 0
    assert run("images", token, "--docker-config", str(ident), "--ca-file", ca, "--no-cache").returncode == 0
    assert run("images", basic, token, "--docker-config", str(wrong), "--ca-file", ca, "--no-cache").returncode == 2
    assert run("images", basic, "-o", "json", "--docker-config", str(wrong), "--ca-file", ca, "--no-cache").returncode == 2
    assert run("images", basic, "--docker-config", str(helped), "--ca-file", ca, "--no-cache").returncode == 2  # wrong secret
    assert run("images", basic, "--docker-config", str(good), "--timeout", "0.001", "--no-cache").returncode == 2

    # a token realm on another host: asked anonymously, the credentials stay home
    env.plain_pusher.index("leak/realm", "multi", WINDOWS_LINUX_PLATFORMS)

    def realm(h, path, n):
        env.proxy.send(h, 401, b"", {"WWW-Authenticate": f'Bearer realm="{foreign.url}/token",service="x"'})
        return True
    proxied = inputs / "proxied.json"
    proxied.write_text(json.dumps({"auths": {env.proxy.host: {"auth": _b64(f"{USER}:{PASSWORD}")}}}))
    with HostileServer(lambda req, conn: conn.respond(401, b"{}"), tls_cert=str(env.pki.server_cert),
                       tls_key=str(env.pki.server_key), host_name="localhost") as foreign:
        env.proxy.rules["leak/realm"] = realm
        p = run("images", f"{env.proxy.host}/leak/realm:multi", "--insecure-registry", env.proxy.host,
                "--docker-config", str(proxied), "--ca-file", ca)
    assert p.returncode == 2 and b"were not sent" in p.stderr, p.stderr
    assert foreign.requests and not any(foreign.sent_anywhere(s) for s in (PASSWORD, _b64(f"{USER}:{PASSWORD}")))

    leaks = _scan(home, runs, [PASSWORD, TOKEN_PASSWORD, IDENTITY_TOKEN, HELPER_SECRET, "wrong-" + PASSWORD])
    assert leaks == []


def test_cluster_credentials_never_appear_in_output_logs_or_cache(control_plane, sandbox):
    inputs, home, run, runs = sandbox
    token = control_plane.admin_token

    def kubeconfig(name: str, user: dict) -> str:
        path = inputs / f"{name}.kubeconfig"
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "t",
            "clusters": [{"name": "t", "cluster": {"server": control_plane.url,
                                                   "certificate-authority": str(control_plane.pki.ca_cert)}}],
            "users": [{"name": "t", "user": user}],
            "contexts": [{"name": "t", "context": {"cluster": "t", "user": "t"}}]}))
        return str(path)

    def plugin(name: str, body: str) -> dict:
        script = inputs / name
        script.write_text(f"#!{sys.executable}\nimport json, sys\n{body}\n")
        script.chmod(0o755)
        return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(script), "interactiveMode": "Never"}}

    cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": token}}
    assert run("audit", "--kubeconfig", kubeconfig("static", {"token": token}), "-o", "json").returncode in (0, 1)
    assert run("audit", "--kubeconfig", kubeconfig("static", {"token": token}), "-o", "html").returncode in (0, 1)
    assert run("audit", "--kubeconfig", kubeconfig("exec", plugin("ok", f"print(json.dumps({cred!r}))"))).returncode in (0, 1)
    # the attack of issue 10: a valid ExecCredential and one more line
    p = run("audit", "--kubeconfig", kubeconfig("extra", plugin("extra", f"print(json.dumps({cred!r}))\nprint('more')")))
    assert p.returncode == 2 and b"output is not shown" in p.stderr, p.stderr
    p = run("audit", "--kubeconfig", kubeconfig("notjson", plugin("notjson", f"print('token: {token}')")))
    assert p.returncode == 2
    bad = "wrong-" + token
    p = run("plan", "--kubeconfig", kubeconfig("wrong", {"token": bad}), "--live")
    assert p.returncode == 2 and b"unauthorized" in p.stderr, p.stderr

    assert _scan_cluster(home, runs, [token, bad]) == []


def _scan_cluster(home: Path, runs, secrets: list[str]) -> list[str]:
    found = []
    for args, p in runs:
        for name, data in (("stdout", p.stdout), ("stderr", p.stderr)):
            found += [f"{name} of winkube {' '.join(args)}" for s in secrets if s.encode() in data]
    for path in (p for p in home.rglob("*") if p.is_file()):
        found += [str(path) for s in secrets if s.encode() in path.read_bytes()]
    return found
