"""RBAC helpers for the audit tests on the real kube-apiserver: a ServiceAccount's kubeconfig, and
applying what `winkube audit rbac` prints (cluster-wide and namespaced roles and their bindings)."""
from __future__ import annotations

import yaml

PLURALS = {"ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings",
           "Role": "roles", "RoleBinding": "rolebindings"}


def sa_kubeconfig(cp, kube, tmp_path, namespace: str, name: str) -> str:
    """A kubeconfig for ServiceAccount namespace/name (created if missing), with a fresh token."""
    r = kube.post(f"/api/v1/namespaces/{namespace}/serviceaccounts",
                  json={"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}})
    assert r.status_code in (201, 409), r.text
    r = kube.post(f"/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token",
                  json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}})
    assert r.status_code == 201, r.text
    kc = tmp_path / f"{name}.kubeconfig"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "sa",
        "clusters": [{"name": "c", "cluster": {"server": cp.url, "certificate-authority": str(cp.pki.ca_cert)}}],
        "users": [{"name": "u", "user": {"token": r.json()["status"]["token"]}}],
        "contexts": [{"name": "sa", "context": {"cluster": "c", "user": "u"}}]}))
    return str(kc)


def apply(kube, docs) -> None:
    """Create (or replace) each RBAC object, in its namespace when it has one."""
    for d in docs:
        ns = d["metadata"].get("namespace")
        base = f"/apis/rbac.authorization.k8s.io/v1/{'namespaces/' + ns + '/' if ns else ''}{PLURALS[d['kind']]}"
        r = kube.post(base, json=d)
        if r.status_code == 409:
            r = kube.put(f"{base}/{d['metadata']['name']}", json=d)
        assert r.status_code in (200, 201), r.text
