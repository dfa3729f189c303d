"""A Windows node whose kubelet is outside the supported skew of the target release."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, P_KUBELET, is_windows, kube_text, node_info, parse_version, releases


@rule(
    id="node-kubelet-version-skew",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node's kubelet is newer than the target release or more than three minor versions older",
    explanation="""The version-skew policy, which the Windows docs point to for Windows nodes as well: the
    kubelet must not be newer than kube-apiserver and may be up to three minor versions older (two for
    kubelets older than 1.25). Judged against the target release (--kube-version / the profile's
    kubernetesVersion) as the API server's version.""",
    fix="Upgrade (or, if newer, downgrade) the kubelet on the node pool into the supported skew before upgrading the control plane.",
    source="https://kubernetes.io/releases/version-skew-policy/ (kubelet); kubernetes/website:content/en/docs/concepts/windows/intro.md",
    fails=windows_node_example('v1.30.4', 'containerd://2.2.1', '10.0.20348.2113'),
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    text = node_info(node).get("kubeletVersion")
    v = parse_version(text)
    if v is None:
        return
    kubelet, api = v[:2], ctx.kube_version
    release = kube_text(api)
    if kubelet > api:
        yield Hit(P_KUBELET, f"kubelet {text} is newer than Kubernetes {release}: the kubelet must not be newer than kube-apiserver")
        return
    skew = releases()["version_skew"]
    allowed = skew["kubelet_older_max"] if kubelet >= (1, 25) else skew["kubelet_older_max_before_1_25"]
    if kubelet[0] == api[0] and api[1] - kubelet[1] > allowed or kubelet[0] < api[0]:
        yield Hit(P_KUBELET, f"kubelet {text} is {api[1] - kubelet[1]} minor versions older than Kubernetes {release} "
                             f"(at most {allowed} are supported)")
