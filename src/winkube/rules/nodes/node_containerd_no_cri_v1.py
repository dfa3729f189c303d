"""containerd that does not serve CRI v1 on a release whose kubelet speaks only CRI v1."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, P_RUNTIME, is_windows, kube_text, parse_version, releases, runtime, vtext


@rule(
    id="node-containerd-no-cri-v1",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="node",
    summary="the node's containerd does not serve CRI v1, the only CRI version the target kubelet speaks",
    explanation="""Since Kubernetes 1.26 the kubelet speaks only CRI v1. containerd 1.4 and older serve
    only CRI v1alpha2 (containerd's own table: 1.5 serves v1, 1.6.15+ / 1.7.0+ are what it lists for
    Kubernetes 1.26+), so a kubelet of the target release cannot run containers through it. Versions
    1.5.0–1.6.14 serve CRI v1 but are below every recommendation; node-containerd-below-recommended
    reports those.""",
    fix="Upgrade containerd to a version recommended for the release (1.7/2.x; see containerd's RELEASES.md).",
    source=("containerd/containerd:RELEASES.md (Kubernetes Support; deprecated containerd and kubernetes versions); "
            "kubernetes/website:content/en/docs/setup/production-environment/container-runtimes.md (CRI version support)"),
    fails=windows_node_example('v1.37.2', 'containerd://1.4.13', '10.0.20348.2113'),
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    rt = runtime(node)
    if rt is None or rt.name != "containerd" or rt.version is None:
        return
    data = releases()["cri_v1"]
    if ctx.kube_version < parse_version(data["kube_since"])[:2]:
        return
    if rt.version < parse_version(data["containerd_min"]):
        listed = " / ".join(f"{v}+" for v in data["containerd_listed"])
        yield Hit(P_RUNTIME, f"containerd {vtext(rt.version)} serves only CRI v1alpha2; the Kubernetes "
                             f"{kube_text(ctx.kube_version)} kubelet speaks only CRI v1 (containerd lists {listed} "
                             f"for Kubernetes {data['kube_since']}+)")
