"""`winkube webhook manifests`: every object is accepted by the real API server (server-side dry
run), the Deployment's pod passes winkube's own checks, and the RBAC is enough for the live
profile (list+watch Nodes and RuntimeClasses) and nothing more."""
from __future__ import annotations

import base64
import subprocess
import sys
import uuid

import yaml

from winkube.engine import Engine, Options
from winkube.model.profile import default_profile
from winkube.webhook.manifests import manifests

PLURAL = {"Namespace": "namespaces", "ServiceAccount": "serviceaccounts", "ClusterRole": "clusterroles",
          "ClusterRoleBinding": "clusterrolebindings", "ConfigMap": "configmaps", "Secret": "secrets",
          "Deployment": "deployments", "Service": "services", "PodDisruptionBudget": "poddisruptionbudgets",
          "ValidatingWebhookConfiguration": "validatingwebhookconfigurations",
          "MutatingWebhookConfiguration": "mutatingwebhookconfigurations"}


def url_for(obj: dict) -> str:
    group_version = obj["apiVersion"]
    base = f"/api/{group_version}" if "/" not in group_version else f"/apis/{group_version}"
    ns = obj["metadata"].get("namespace")
    return f"{base}/namespaces/{ns}/{PLURAL[obj['kind']]}" if ns else f"{base}/{PLURAL[obj['kind']]}"


def cli(*args) -> str:
    r = subprocess.run([sys.executable, "-m", "winkube.cli", *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_every_manifest_passes_a_server_side_dry_run(kube, namespace):
    ns = f"wk-{uuid.uuid4().hex[:6]}-install"
    for variant in ([], ["--cert-manager"], ["--failure-policy", "Fail", "--resolve-images"]):
        objs = list(yaml.safe_load_all(cli("webhook", "manifests", "--namespace", ns, *variant)))
        kinds = [o["kind"] for o in objs]
        for k in ("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service",
                  "PodDisruptionBudget", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            assert k in kinds, (variant, kinds)
        namespace(ns)  # created for real once: namespaced dry runs need it to exist
        checked = 0
        for obj in objs:
            if obj["apiVersion"].startswith("cert-manager.io/"):
                continue  # no cert-manager CRDs on the test control plane
            r = kube.post(url_for(obj), params={"dryRun": "All"}, json=obj)
            if obj["kind"] == "Namespace":
                assert r.status_code in (201, 409), r.text
                continue
            assert r.status_code == 201, f"{obj['kind']} {variant}: {r.status_code} {r.text}"
            checked += 1
        assert checked >= 9


def test_webhook_configuration_settings():
    objs = manifests("winkube-system", ca_bundle_pem=b"-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
    by_kind = {o["kind"]: o for o in objs}
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for w in by_kind[kind]["webhooks"]:
            assert w["sideEffects"] == "None" and w["admissionReviewVersions"] == ["v1"]
            assert w["failurePolicy"] == "Ignore" and w["timeoutSeconds"] == 5 and w["matchPolicy"] == "Equivalent"
            assert base64.b64decode(w["clientConfig"]["caBundle"]).startswith(b"-----BEGIN CERTIFICATE")
            excl = w["namespaceSelector"]["matchExpressions"][0]
            assert excl == {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "winkube-system"]}
            if kind.startswith("Mutating"):
                assert w["reinvocationPolicy"] == "IfNeeded"
    dep = by_kind["Deployment"]
    spec = dep["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert dep["spec"]["replicas"] == 2 and spec["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert spec["securityContext"]["runAsNonRoot"] is True and c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["resources"]["requests"] and c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # winkube's own engine has nothing to say about its Deployment
    findings = Engine(Options(profile=default_profile(), locate=False)).check_object(dep)
    assert [f for f in findings if f.severity.value in ("error", "warning")] == [], findings


def test_rbac_is_enough_for_the_live_profile_and_read_only(control_plane, kube, namespace):
    from winkube.cluster import Cluster, ClusterError
    from harness.controlplane import write_kubeconfig

    run = uuid.uuid4().hex[:6]
    ns = namespace(f"wk-{run}-rbac")
    objs = manifests(ns)
    made = []
    try:
        for obj in objs:
            if obj["kind"] in ("ServiceAccount", "ClusterRole", "ClusterRoleBinding"):
                obj = yaml.safe_load(yaml.safe_dump(obj))
                if obj["kind"] != "ServiceAccount":
                    obj["metadata"]["name"] = f"winkube-webhook-{run}"
                if obj["kind"] == "ClusterRoleBinding":
                    obj["roleRef"]["name"] = f"winkube-webhook-{run}"
                r = kube.post(url_for(obj), json=obj)
                assert r.status_code == 201, r.text
                made.append(url_for(obj) + "/" + obj["metadata"]["name"])
        tr = kube.post(f"/api/v1/namespaces/{ns}/serviceaccounts/winkube-webhook/token",
                       json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 600}})
        assert tr.status_code == 201, tr.text
        kc = write_kubeconfig(control_plane.logdir / f"sa-{run}.kubeconfig", control_plane.url, control_plane.pki.ca_cert,
                              tr.json()["status"]["token"], "winkube-webhook")
        with Cluster.connect(str(kc)) as cl:
            cl.version()
            for path in ("/api/v1/nodes", "/apis/node.k8s.io/v1/runtimeclasses"):
                _, rv = cl.list_with_version(path)
                for _ev in cl.watch(path, rv, timeout_seconds=1):
                    pass
            for forbidden in ("/api/v1/secrets", "/api/v1/pods"):
                try:
                    list(cl.list(forbidden))
                except ClusterError as e:
                    assert e.status == 403
                else:
                    raise AssertionError(f"the webhook's service account can read {forbidden}")
    finally:
        for url in reversed(made):
            kube.delete(url)
