"""containerd older than what containerd recommends for the target Kubernetes release."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, P_RUNTIME, containerd_support, is_windows, kube_text, parse_version, releases, runtime, vtext


@rule(
    id="node-containerd-below-recommended",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the node's containerd is older than the versions containerd recommends for the target release",
    explanation="""containerd's RELEASES.md lists, per Kubernetes release, the containerd versions it
    recommends (the most thoroughly tested ones), e.g. 2.3.0+ / 2.2.0+ for Kubernetes 1.36. A version
    below the listed minimum of its branch, or from a branch the release no longer lists, is outside
    that matrix; for Kubernetes 1.26+ (CRI v1 only) containerd lists nothing below 1.6.15 / 1.7.0. The
    Windows docs themselves only say "ContainerD 1.4.0+". Branches newer than every listed one are
    fine. For releases the table does not cover yet (1.37 at the time of writing) the newest release it
    covers is the yardstick.""",
    fix="Upgrade containerd on the node pool to a version containerd recommends for the release.",
    source="containerd/containerd:RELEASES.md (Kubernetes Support table, per edition); knowledge/k8s_releases.yaml",
    fails=windows_node_example('v1.37.2', 'containerd://1.7.27', '10.0.20348.2113'),
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    rt = runtime(node)
    if rt is None or rt.name != "containerd" or rt.version is None:
        return
    if rt.version < parse_version(releases()["cri_v1"]["containerd_min"]) and \
            ctx.kube_version >= parse_version(releases()["cri_v1"]["kube_since"])[:2]:
        return  # no CRI v1 at all: node-containerd-no-cri-v1 reports it
    data = containerd_support(ctx.kube_version)
    if data is None:
        return
    minima = [parse_version(v) for v in data["recommended"]]
    branch = rt.version[:2]
    same = [m for m in minima if m[:2] == branch]
    if same:
        if rt.version >= same[0]:
            return
    elif branch > max(m[:2] for m in minima):
        return
    listed = ", ".join(f"{v}+" for v in data["recommended"])
    release = kube_text(ctx.kube_version)
    what = "is below" if same else "is not among"
    basis = release if data["kube"] == release else f"{data['kube']}, the newest release its table covers"
    msg = f"containerd {vtext(rt.version)} {what} the versions containerd recommends for Kubernetes {basis} ({listed})"
    cri = releases()["cri_v1"]
    if ctx.kube_version >= parse_version(cri["kube_since"])[:2] and rt.version < min(parse_version(v) for v in cri["containerd_listed"]):
        msg += f"; for Kubernetes {cri['kube_since']}+ (CRI v1 only) it lists nothing below " + \
               " / ".join(sorted(cri["containerd_listed"]))
    yield Hit(P_RUNTIME, msg)
