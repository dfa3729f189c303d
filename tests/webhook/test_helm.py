"""deploy/helm/winkube-webhook: `helm lint`, `helm template` (with and without cert-manager), and a
server-side dry run of every rendered object against the real kube-apiserver; the webhooks it
renders match `winkube webhook manifests`. Helm is built from its Go module by
tools/build-helm.sh (cached), like the control plane."""
from __future__ import annotations

import base64
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from winkube.webhook.manifests import MUTATE_RULES, VALIDATE_RULES

from .test_manifests import url_for

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "winkube-webhook"


def render(helm: str, ns: str, *sets: str) -> list[dict]:
    # helm template assumes Kubernetes v1.20 without a cluster: render for the release under test
    from harness.controlplane import kube_version
    args = [helm, "template", "winkube-webhook", str(CHART), "--namespace", ns, "--kube-version", kube_version()]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def test_helm_lint(helm):
    r = subprocess.run([helm, "lint", str(CHART)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_rendered_chart_passes_a_server_side_dry_run(helm, kube, namespace):
    ns = namespace(f"wk-{uuid.uuid4().hex[:6]}-helm")
    for sets in ((), ("certManager.enabled=true",), ("webhook.failurePolicy=Fail", "webhook.mutate=false")):
        objs = render(helm, ns, *sets)
        kinds = sorted(o["kind"] for o in objs)
        assert "Deployment" in kinds and "ValidatingWebhookConfiguration" in kinds, kinds
        for obj in objs:
            if obj["apiVersion"].startswith("cert-manager.io/"):
                continue  # no cert-manager CRDs on the test control plane
            obj.setdefault("metadata", {})
            if obj["kind"] not in ("ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
                obj["metadata"].setdefault("namespace", ns)
            r = kube.post(url_for(obj), params={"dryRun": "All"}, json=obj)
            assert r.status_code == 201, f"{obj['kind']} {sets}: {r.status_code} {r.text}"


def test_chart_webhooks_match_the_manifests_command(helm):
    objs = {o["kind"]: o for o in render(helm, "winkube-system")}
    v = objs["ValidatingWebhookConfiguration"]["webhooks"][0]
    assert v["rules"] == VALIDATE_RULES and v["sideEffects"] == "None" and v["failurePolicy"] == "Ignore"
    assert base64.b64decode(v["clientConfig"]["caBundle"]).startswith(b"-----BEGIN CERTIFICATE")
    secret = objs["Secret"]
    assert base64.b64decode(secret["data"]["ca.crt"]) == base64.b64decode(v["clientConfig"]["caBundle"])
    m = objs["MutatingWebhookConfiguration"]["webhooks"]
    assert [w["name"] for w in m] == ["namespace.mutate.winkube.io", "pod.mutate.winkube.io"]
    assert all(w["rules"] == MUTATE_RULES and w["reinvocationPolicy"] == "IfNeeded" for w in m)
    assert m[1]["objectSelector"] == {"matchLabels": {"winkube.io/mutate": "enabled"}}
    excl = v["namespaceSelector"]["matchExpressions"][0]
    assert excl["values"] == ["kube-system", "winkube-system"]
    policy = yaml.safe_load(objs["ConfigMap"]["data"]["webhook.yaml"])
    from winkube.rules import all_rules
    from winkube.webhook.policy import policy_from_dict
    policy_from_dict(policy, "chart values", known_rules=all_rules())  # the server accepts the chart's policy
