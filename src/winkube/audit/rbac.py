"""The read-only RBAC `winkube audit` needs: `winkube audit rbac | kubectl apply -f -`."""
from __future__ import annotations

from .collect import RESOURCES


def cluster_role(name: str = "winkube-audit") -> dict:
    by_group: dict[str, list[str]] = {}
    for r in RESOURCES:
        by_group.setdefault(r.group, []).append(r.plural)
    rules = [{"apiGroups": [g], "resources": sorted(p), "verbs": ["get", "list", "watch"]} for g, p in by_group.items()]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "winkube"},
                     "annotations": {"winkube.io/purpose": "read-only access for winkube audit (nodes, RuntimeClasses, "
                                                           "workloads, pod statuses, events)"}},
        "rules": rules,
    }


def render(out, name: str = "winkube-audit", subject: str | None = None) -> None:
    """The ClusterRole as YAML; with subject ("user:NAME", "group:NAME" or
    "serviceaccount:NAMESPACE:NAME"), a ClusterRoleBinding for it too."""
    import yaml

    docs = [cluster_role(name)]
    if subject:
        kind, _, rest = subject.partition(":")
        if kind == "serviceaccount":
            ns, _, sa = rest.partition(":")
            subj = {"kind": "ServiceAccount", "name": sa, "namespace": ns}
        else:
            subj = {"kind": kind.capitalize(), "name": rest, "apiGroup": "rbac.authorization.k8s.io"}
        docs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": name},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
                     "subjects": [subj]})
    out.write("# winkube audit: read-only access (get, list, watch) to what it reads\n")
    out.write(yaml.safe_dump_all(docs, sort_keys=False))
