"""Fixtures: a serving certificate for 127.0.0.1 (the harness's throw-away CA maker), the webhook
server as a real process in --profile mode, and both webhook configurations registered with the
real kube-apiserver for this run's namespaces only (other tests share the control plane)."""
from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass

import pytest

from harness.controlplane import make_pki
from winkube.webhook.manifests import webhook_configurations

from .whkit import WebhookProcess, pod, write_profile

RUN = uuid.uuid4().hex[:6]
E2E_LABEL = "winkube-e2e"

POLICY = """\
exclude:
  namespaces: [kube-system, wk-{run}-excluded]
  labels: {{winkube.io/skip: "true"}}
"""


@pytest.fixture(scope="session")
def wk_pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("webhook-pki")
    return make_pki(d)


@pytest.fixture(scope="session")
def wk_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("webhook-files")
    profile = write_profile(d / "profile.yaml")
    policy = d / "webhook.yaml"
    policy.write_text(POLICY.format(run=RUN))
    return d, profile, policy


@pytest.fixture(scope="session")
def wk_server(wk_pki, wk_files):
    d, profile, policy = wk_files
    p = WebhookProcess(d, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                       ["--profile", str(profile), "--config", str(policy)], name="profile-mode")
    try:
        p.wait("/readyz")
        yield p
    finally:
        code = p.stop()
        assert code == 0, f"the webhook did not exit cleanly on SIGTERM ({code}):\n{p.logtext()[-3000:]}"


@dataclass
class E2E:
    server: WebhookProcess
    plain: str  # namespace without mutation
    mutate: str  # namespace labelled winkube.io/mutate=enabled
    excluded: str  # excluded by the webhook's policy
    configs: list


def label_namespace(kube, name: str, labels: dict) -> None:
    r = kube.patch(f"/api/v1/namespaces/{name}", json={"metadata": {"labels": labels}},
                   headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text


def register(kube, server: WebhookProcess, ca_pem: bytes, name: str, failure_policy="Fail") -> list:
    configs = webhook_configurations(
        lambda path: {"url": f"{server.url}{path}"}, base64.b64encode(ca_pem).decode(), failure_policy=failure_policy,
        timeout_seconds=10, extra_namespace_expressions=[{"key": E2E_LABEL, "operator": "In", "values": [RUN]}], name=name)
    for c in configs:
        plural = "validatingwebhookconfigurations" if c["kind"].startswith("Validating") else "mutatingwebhookconfigurations"
        r = kube.post(f"/apis/admissionregistration.k8s.io/v1/{plural}", json=c)
        assert r.status_code == 201, r.text
    return configs


def unregister(kube, name: str) -> None:
    for plural in ("validatingwebhookconfigurations", "mutatingwebhookconfigurations"):
        kube.delete(f"/apis/admissionregistration.k8s.io/v1/{plural}/{name}")


@pytest.fixture(scope="session")
def e2e(control_plane, kube, namespace, wk_server, wk_pki):
    names = {k: f"wk-{RUN}-{k}" for k in ("plain", "mutate", "excluded")}
    for key, ns in names.items():
        namespace(ns)
        labels = {E2E_LABEL: RUN}
        if key == "mutate":
            labels["winkube.io/mutate"] = "enabled"
        label_namespace(kube, ns, labels)
    cfg_name = f"winkube-e2e-{RUN}"
    configs = register(kube, wk_server, wk_pki.ca_cert.read_bytes(), cfg_name)
    try:
        # The API server picks new configurations up asynchronously: wait until a denial comes back.
        deadline = time.monotonic() + 30
        while True:
            r = kube.post(f"/api/v1/namespaces/{names['plain']}/pods", params={"dryRun": "All"}, json=pod("probe"))
            if r.status_code == 403 and "winkube" in r.text:
                break
            assert time.monotonic() < deadline, f"the webhook was not called within 30s: {r.status_code} {r.text}"
            time.sleep(0.2)
        yield E2E(wk_server, names["plain"], names["mutate"], names["excluded"], configs)
    finally:
        unregister(kube, cfg_name)
