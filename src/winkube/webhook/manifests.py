"""`winkube webhook manifests`: everything that deploys the webhook, as one YAML stream.

Namespace, ServiceAccount, read-only RBAC (get/list/watch Nodes and RuntimeClasses), the policy
ConfigMap, Deployment (2 replicas, probes, requests, non-root, read-only root filesystem, Linux
nodes), Service, PodDisruptionBudget, ValidatingWebhookConfiguration, MutatingWebhookConfiguration.

TLS, one of:
  --cert-manager        an Issuer + Certificate; cert-manager injects the caBundle (cainjector)
  --ca-bundle FILE      you made the serving Secret yourself (kubernetes.io/tls, tls.crt/tls.key)
  (default)             a self-signed CA and serving certificate made now, shipped as a Secret

failurePolicy (--failure-policy, default Ignore): with Ignore, an unreachable or slow webhook lets
the request through unchecked — the cluster keeps working when the webhook is down (upgrades,
node drains, a bad rollout), at the price of unenforced checks during that time. With Fail, nothing
in the matched namespaces can be created while the webhook is down; only choose it with 2+
replicas spread over nodes, the PDB, and kube-system and the webhook's own namespace excluded
(always done here, so the webhook can never block its own recovery).
"""
from __future__ import annotations

import argparse
import base64
import sys

import yaml

from .. import __version__

NAME = "winkube-webhook"
DEFAULT_NAMESPACE = "winkube-system"
MUTATE_LABEL = "winkube.io/mutate"
VALIDATE_RULES = [
    {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
     "resources": ["pods", "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates"], "scope": "Namespaced"},
    {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
     "resources": ["deployments", "replicasets", "statefulsets", "daemonsets"], "scope": "Namespaced"},
    {"apiGroups": ["batch"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
     "resources": ["jobs", "cronjobs"], "scope": "Namespaced"},
]
MUTATE_RULES = [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"], "scope": "Namespaced"}]
DEFAULT_POLICY = """\
# winkube webhook policy (docs/webhook.md). Defaults: admission-stage findings off (the API server
# rejects those itself), certain failures denied, everything else a warning.
rules: {}
actions: {}
denyCertain: true
exclude:
  namespaces: [kube-system]
  labels: {}
mutate: {windowsBuild: true, runtimeClass: true, linux: true}
images: {resolve: false, timeout: 1.0}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", "--namespace", default=DEFAULT_NAMESPACE, help=f"namespace to install into (default {DEFAULT_NAMESPACE})")
    p.add_argument("--image", default=f"winkube:{__version__}", help="container image: build deploy/Dockerfile and push it where your cluster pulls from (default: winkube:VERSION)")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--failure-policy", choices=["Ignore", "Fail"], default="Ignore",
                   help="what the API server does when the webhook cannot answer (default Ignore; see the trade-off in docs/webhook.md)")
    p.add_argument("--timeout-seconds", type=int, default=5, help="per-call timeout the API server applies (1-30, default 5)")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--cert-manager", action="store_true", help="let cert-manager issue the serving certificate and inject the caBundle")
    tls.add_argument("--ca-bundle", metavar="FILE", help="CA (PEM) that signed the serving certificate in Secret winkube-webhook-tls")
    p.add_argument("--config", metavar="FILE", help="webhook policy file to ship in the ConfigMap (default: the defaults)")
    p.add_argument("--resolve-images", action="store_true", help="read image platforms from registries (needs egress to them)")


def _selector_excluding(namespaces: list[str], extra: list[dict] | None = None) -> dict:
    return {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": sorted(set(namespaces))}]
            + list(extra or [])}


def webhook_configurations(client_config, ca_bundle: str | None = None, *, failure_policy: str = "Ignore",
                           timeout_seconds: int = 5, excluded_namespaces=("kube-system", DEFAULT_NAMESPACE),
                           extra_namespace_expressions: list[dict] | None = None, name: str = NAME,
                           annotations: dict | None = None) -> list[dict]:
    """The two webhook configurations. client_config(path) -> the clientConfig without caBundle
    (a service reference in a cluster, a URL in the tests)."""
    def cc(path):
        c = dict(client_config(path))
        if ca_bundle:
            c["caBundle"] = ca_bundle
        return c

    common = {"admissionReviewVersions": ["v1"], "sideEffects": "None", "timeoutSeconds": timeout_seconds,
              "failurePolicy": failure_policy, "matchPolicy": "Equivalent"}
    excl = list(excluded_namespaces)
    extra = list(extra_namespace_expressions or [])
    meta = {"name": name, "labels": {"app.kubernetes.io/name": NAME}}
    if annotations:
        meta["annotations"] = annotations
    validating = {
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": meta,
        "webhooks": [{"name": "validate.winkube.io", "clientConfig": cc("/validate"), "rules": VALIDATE_RULES,
                      "namespaceSelector": _selector_excluding(excl, extra), **common}],
    }
    mutating = {
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration", "metadata": dict(meta),
        "webhooks": [
            # opted in by the namespace label ...
            {"name": "namespace.mutate.winkube.io", "clientConfig": cc("/mutate"), "rules": MUTATE_RULES,
             "namespaceSelector": _selector_excluding(excl, extra + [{"key": MUTATE_LABEL, "operator": "In", "values": ["enabled"]}]),
             "reinvocationPolicy": "IfNeeded", **common},
            # ... or by the pod's own label (in namespaces not opted in: never called twice for one pod)
            {"name": "pod.mutate.winkube.io", "clientConfig": cc("/mutate"), "rules": MUTATE_RULES,
             "namespaceSelector": _selector_excluding(excl, extra + [{"key": MUTATE_LABEL, "operator": "NotIn", "values": ["enabled"]}]),
             "objectSelector": {"matchLabels": {MUTATE_LABEL: "enabled"}},
             "reinvocationPolicy": "IfNeeded", **common},
        ],
    }
    return [validating, mutating]


def self_signed(namespace: str, service: str = NAME) -> tuple[bytes, bytes, bytes]:
    """(ca.crt, tls.crt, tls.key) PEM for the Service's DNS names, valid 10 years."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{service} CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    names = [f"{service}.{namespace}.svc", f"{service}.{namespace}.svc.cluster.local", f"{service}.{namespace}", service]
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (ca.public_bytes(pem), cert.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def manifests(namespace: str = DEFAULT_NAMESPACE, image: str | None = None, replicas: int = 2, failure_policy: str = "Ignore",
              timeout_seconds: int = 5, ca_bundle_pem: bytes | None = None, cert_manager: bool = False,
              tls_pair: tuple[bytes, bytes] | None = None, policy_text: str = DEFAULT_POLICY,
              resolve_images: bool = False) -> list[dict]:
    image = image or f"winkube:{__version__}"
    labels = {"app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "winkube"}
    select = {"app.kubernetes.io/name": NAME}
    secret = f"{NAME}-tls"
    objs: list[dict] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": {"app.kubernetes.io/part-of": "winkube"}}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
         "automountServiceAccountToken": True},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": NAME, "labels": labels},
         "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]},
                   {"apiGroups": ["node.k8s.io"], "resources": ["runtimeclasses"], "verbs": ["get", "list", "watch"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": NAME, "labels": labels},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": NAME},
         "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": namespace}]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{NAME}-config", "namespace": namespace, "labels": labels},
         "data": {"webhook.yaml": policy_text}},
    ]
    annotations = None
    if cert_manager:
        objs += [
            {"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": {"name": f"{NAME}-selfsigned", "namespace": namespace},
             "spec": {"selfSigned": {}}},
            {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": NAME, "namespace": namespace},
             "spec": {"secretName": secret, "dnsNames": [f"{NAME}.{namespace}.svc", f"{NAME}.{namespace}.svc.cluster.local"],
                      "issuerRef": {"kind": "Issuer", "name": f"{NAME}-selfsigned"},
                      "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
                      "duration": "2160h", "renewBefore": "360h"}},
        ]
        annotations = {"cert-manager.io/inject-ca-from": f"{namespace}/{NAME}"}
    elif tls_pair is not None:
        objs.append({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                     "metadata": {"name": secret, "namespace": namespace, "labels": labels},
                     "data": {"tls.crt": base64.b64encode(tls_pair[0]).decode(), "tls.key": base64.b64encode(tls_pair[1]).decode()}})
    args = ["webhook", "serve", "--port=8443", "--tls-cert=/tls/tls.crt", "--tls-key=/tls/tls.key",
            "--config=/config/webhook.yaml", f"--exclude-namespace={namespace}"]
    if resolve_images:
        args.append("--resolve-images")
    probe = lambda path, period: {"httpGet": {"path": path, "port": "https", "scheme": "HTTPS"},  # noqa: E731
                                  "periodSeconds": period, "timeoutSeconds": 2, "failureThreshold": 3}
    objs += [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
         "spec": {
             "replicas": replicas, "selector": {"matchLabels": select},
             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
             "template": {
                 "metadata": {"labels": labels},
                 "spec": {
                     "serviceAccountName": NAME,
                     "os": {"name": "linux"},
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532,
                                         "seccompProfile": {"type": "RuntimeDefault"}},
                     "terminationGracePeriodSeconds": 30,
                     "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                         "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                            "labelSelector": {"matchLabels": select}}}]}},
                     "containers": [{
                         "name": "webhook", "image": image, "imagePullPolicy": "IfNotPresent",
                         "args": args,
                         "env": [{"name": "XDG_CACHE_HOME", "value": "/cache"}],
                         "ports": [{"name": "https", "containerPort": 8443, "protocol": "TCP"}],
                         "readinessProbe": probe("/readyz", 5), "livenessProbe": probe("/healthz", 10),
                         "startupProbe": {**probe("/healthz", 2), "failureThreshold": 30},
                         "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},  # let endpoints drop the pod first
                         "resources": {"requests": {"cpu": "100m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}},
                         "securityContext": {"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                                             "capabilities": {"drop": ["ALL"]}},
                         "volumeMounts": [{"name": "tls", "mountPath": "/tls", "readOnly": True},
                                          {"name": "config", "mountPath": "/config", "readOnly": True},
                                          {"name": "cache", "mountPath": "/cache"}],
                     }],
                     "volumes": [{"name": "tls", "secret": {"secretName": secret}},
                                 {"name": "config", "configMap": {"name": f"{NAME}-config"}},
                                 {"name": "cache", "emptyDir": {"sizeLimit": "64Mi"}}],
                 }}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
         "spec": {"selector": select, "ports": [{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}]}},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
         "spec": {"minAvailable": 1, "selector": {"matchLabels": select}}},
    ]
    ca = base64.b64encode(ca_bundle_pem).decode() if ca_bundle_pem else None
    objs += webhook_configurations(
        lambda path: {"service": {"namespace": namespace, "name": NAME, "path": path, "port": 443}}, ca,
        failure_policy=failure_policy, timeout_seconds=timeout_seconds,
        excluded_namespaces=("kube-system", namespace), annotations=annotations)
    return objs


def run(args) -> int:
    policy_text = DEFAULT_POLICY
    if args.config:
        from ..config import ConfigError
        from .policy import load_policy
        try:
            load_policy(args.config)  # refuse to ship a policy the server would refuse
            with open(args.config, encoding="utf-8") as f:
                policy_text = f.read()
        except (ConfigError, OSError) as e:
            print(f"winkube: error: {e}", file=sys.stderr)
            return 2
    if not 1 <= args.timeout_seconds <= 30:
        print("winkube: error: --timeout-seconds must be between 1 and 30", file=sys.stderr)
        return 2
    ca_pem, pair = None, None
    if args.ca_bundle:
        try:
            with open(args.ca_bundle, "rb") as f:
                ca_pem = f.read()
        except OSError as e:
            print(f"winkube: error: {args.ca_bundle}: {e.strerror}", file=sys.stderr)
            return 2
        if b"BEGIN CERTIFICATE" not in ca_pem:
            print(f"winkube: error: {args.ca_bundle}: not a PEM certificate", file=sys.stderr)
            return 2
    elif not args.cert_manager:
        try:
            ca_pem, crt, key = self_signed(args.namespace)
        except ImportError:
            print("winkube: error: making a certificate needs the cryptography package (pip install 'winkube[webhook]'), "
                  "or use --cert-manager / --ca-bundle", file=sys.stderr)
            return 2
        pair = (crt, key)
    objs = manifests(args.namespace, args.image, args.replicas, args.failure_policy, args.timeout_seconds,
                     ca_pem, args.cert_manager, pair, policy_text, args.resolve_images)
    tls = ("cert-manager issues the serving certificate and injects the caBundle" if args.cert_manager else
           f"caBundle from {args.ca_bundle}; the serving Secret {NAME}-tls is yours to create" if args.ca_bundle else
           f"a CA and serving certificate made now (Secret {NAME}-tls); prefer --cert-manager for rotation")
    header = (f"# winkube webhook {__version__} — kubectl apply -f this (docs/webhook.md)\n"
              f"# TLS: {tls}.\n"
              f"# failurePolicy: {args.failure_policy}. Ignore = an unreachable webhook lets requests through unchecked (the\n"
              f"# cluster keeps working, nothing is enforced meanwhile); Fail = nothing in the matched namespaces is created\n"
              f"# while it is down. kube-system and {args.namespace} are never matched, so it cannot block its own recovery.\n")
    sys.stdout.write(header + yaml.safe_dump_all(objs, sort_keys=False, explicit_start=True))
    return 0
