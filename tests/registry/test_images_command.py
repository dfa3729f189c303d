"""`winkube images` (registry/command.py) end to end against the real registries."""

from __future__ import annotations

import argparse
import base64
import io
import json
from pathlib import Path

import pytest
import yaml

from winkube.registry import command

from .conftest import PASSWORD, TOKEN_PASSWORD, TOKEN_USER, USER


def _run(argv):
    parser = argparse.ArgumentParser(prog="winkube images")
    command.add_arguments(parser)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    rc = command.run(args, stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def docker_config(env, tmp_path):
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    p = tmp_path / "config.json"
    p.write_text(json.dumps({"auths": {env.basic.host: {"auth": auth}}}))
    return str(p), auth


def test_table_output(env, tmp_path, docker_config):
    cfg, auth = docker_config
    ref = f"{env.basic.host}/win/app:multi"
    rc, out, err = _run([ref, "--docker-config", cfg, "--ca-file", str(env.pki.ca_cert), "--cache-dir", str(tmp_path / "c")])
    assert rc == 0, err
    assert f"DIGEST  {env.index_digest}" in out
    for needle in ("windows/amd64   10.0.17763.6893", "linux/arm64/v8", "Windows Server 2019 (17763)",
                   "process isolation", "Kubernetes supports process isolation only",
                   "Entry containerd picks on each Windows host (amd64)", "first matching entry in the index",
                   "newest os.version first"):
        assert needle in out, needle
    row = next(line for line in out.splitlines() if line.strip().startswith("Windows Server 2025 (26100)"))
    # containerd eras that pick alike share a column: os.version prefix (< 1.6.23 / 1.7.6): the 26100
    # entry; 1.6.23+ (highest revision: .3207 > .3194) and 1.7.6-2.1.5 (first match): the 2022 entry;
    # 2.1.6+ / 2.2+ (newest os.version): the 2025 entry
    assert row.split()[4:] == ["10.0.26100.3194", "10.0.20348.3207", "10.0.26100.3194"]
    assert "[3]" in out and "[4]" not in out
    assert "[1] containerd <1.6.23: highest revision first; containerd 1.7.0-beta.0–<1.7.6: first matching entry" in out
    assert PASSWORD not in out + err and auth not in out + err


def test_json_output_and_failures(env, tmp_path, docker_config):
    cfg, auth = docker_config
    good = f"{env.basic.host}/win/app:multi"
    missing = f"{env.basic.host}/win/app:missing"
    token_ref = f"{env.token.host}/win/app:multi"  # no credentials for the token registry
    rc, out, err = _run([good, missing, token_ref, "-o", "json", "--docker-config", cfg, "--ca-file",
                         str(env.pki.ca_cert), "--no-cache", "--timeout", "10s", "--concurrency", "2"])
    assert rc == 2
    doc = json.loads(out)
    assert [i["ref"] for i in doc["images"]] == [good]
    img = doc["images"][0]
    wins = [p for p in img["platforms"] if p["os"] == "windows"]
    assert [w["build"] for w in wins] == [17763, 20348, 26100]
    assert wins[1]["hosts"]["prefix_1_6"] == [20348]
    assert wins[1]["hosts"]["prefix_or_empty_1_7"] == [20348]
    assert 26100 in wins[1]["hosts"]["stable_abi_2025_newest_first"]
    assert 26200 not in wins[1]["hosts"]["stable_abi_2025_newest_first"]
    assert 26200 in wins[1]["hosts"]["stable_abi_2025_generation"]
    assert img["selection"]["26100"]["stable_abi_2022"] == "10.0.20348.3207"
    assert img["selection"]["26100"]["stable_abi_2025_newest_first"] == "10.0.26100.3194"
    assert {e["ref"]: e["error"] for e in doc["errors"]} == {missing: "not-found", token_ref: "unauthorized"}
    assert {e["id"] for e in doc["containerd"]} >= {"prefix_1_6", "stable_abi_1_6", "stable_abi_2022"}
    # containerd/platforms v1.0.0-rc.3 is vendored by no containerd release: no column for it
    assert "stable_abi_2025_features" not in {e["id"] for e in doc["containerd"]}
    assert PASSWORD not in out + err and auth not in out + err


def test_pull_secret_file_and_containerd_filter(env, tmp_path):
    cfgjson = json.dumps({"auths": {env.token.host: {"username": TOKEN_USER, "password": TOKEN_PASSWORD}}})
    secret = {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"}, "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": base64.b64encode(cfgjson.encode()).decode()}}]}
    path = tmp_path / "secret.yaml"
    path.write_text(yaml.safe_dump(secret))
    ref = f"{env.token.host}/win/app:multi"
    rc, out, err = _run([ref, "--pull-secret", str(path), "--ca-file", str(env.pki.ca_cert), "--no-cache",
                         "--containerd", "containerd://1.7.20"])
    assert rc == 0, err
    assert "containerd containerd://1.7.20 (stable_abi_2022)" in out
    assert "[2]" not in out  # one containerd behaviour only
    assert TOKEN_PASSWORD not in out + err


def test_bad_flags():
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    assert parser.parse_args(["x", "--timeout", "1m30s"]).timeout == 90
    assert parser.parse_args(["x", "--timeout", "500ms"]).timeout == 0.5
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--timeout", "soon"])
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--concurrency", "0"])


def test_unreadable_pull_secret_fails(tmp_path):
    rc, out, err = _run([f"file:{tmp_path}/nothing.json", "--pull-secret", str(tmp_path / "nope.yaml"), "--no-cache"])
    assert rc == 2
    assert "--pull-secret" in err and "offline-input" in out


def test_transfer_service_downloads_every_matching_entry():
    # containerd 2.1.0-rc.0+ pulls through the transfer service, which sets no manifest limit
    # (knowledge/containerd.yaml transfer_pull): a WS2025 node downloads the 2022 and 2025 entries
    index = str(Path(__file__).resolve().parents[2] / "docs" / "images" / "servercore-index.json")
    rc, out, err = _run([f"file:{index}", "-o", "json", "--no-cache"])
    assert rc == 0, err
    (img,) = json.loads(out)["images"]
    assert img["transferDownloads"] == {"26100": ["10.0.20348.3207", "10.0.26100.3194"],
                                         "26200": ["10.0.20348.3207", "10.0.26100.3194"]}
    rc, out, err = _run([f"file:{index}", "--no-cache"])
    # hosts per entry: containerd releases that judge alike share a line, adjacent ranges joined
    assert "      containerd <1.6.23, 1.7.0-beta.0–<1.7.6: Windows Server 2022 (20348)\n" in out
    assert "      containerd any version (current): Windows Server 2019 (17763)\n" in out
    rc, out, err = _run([f"file:{index}", "--no-cache", "--containerd", "containerd://1.7.20"])
    assert "downloads every matching entry" not in out  # a local pull fetches only its pick
    rc, out, err = _run([f"file:{index}", "--no-cache", "--containerd", "containerd://2.1.5"])
    assert "Windows Server 2025 (26100): 10.0.20348.3207, 10.0.26100.3194" in out
