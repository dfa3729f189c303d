"""A Windows node still on dockershim, which the target kubelet no longer has."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, P_RUNTIME, is_windows, kube_text, node_info, parse_version, releases, runtime


@rule(
    id="node-dockershim-removed",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="node",
    summary="the Windows node runs Docker through dockershim, which the kubelet lost in Kubernetes 1.24",
    explanation="""dockershim was removed in Kubernetes 1.24: Docker Engine and Mirantis Container Runtime
    need the cri-dockerd adapter since. A node reporting a docker:// runtime with a kubelet older than
    1.24 (or none reported) uses dockershim; a kubelet of the target release cannot talk to Docker
    without cri-dockerd. (A 1.24+ kubelet reporting docker:// already goes through cri-dockerd:
    node-docker-via-cri-dockerd.)""",
    fix="Move the node pool to containerd, or install cri-dockerd before upgrading the kubelet.",
    source="kubernetes/website:content/en/docs/setup/production-environment/container-runtimes.md (dockershim removed in v1.24; cri-dockerd)",
    fails=windows_node_example('v1.23.17', 'docker://20.10.9', '10.0.20348.2113'),
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    rt = runtime(node)
    if rt is None or rt.name != "docker":
        return
    removed = parse_version(releases()["dockershim"]["removed_in"])[:2]
    if ctx.kube_version < removed:
        return
    kubelet_text = node_info(node).get("kubeletVersion")
    kubelet = parse_version(kubelet_text)
    if kubelet is not None and kubelet[:2] >= removed:
        return
    seen = f"kubelet {kubelet_text}" if kubelet else "no kubeletVersion reported"
    yield Hit(P_RUNTIME, f"{rt.text} ({seen}) runs through dockershim, removed in Kubernetes {removed[0]}.{removed[1]}: "
                         f"a Kubernetes {kube_text(ctx.kube_version)} kubelet needs cri-dockerd or containerd")
