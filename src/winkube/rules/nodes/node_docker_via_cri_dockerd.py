"""A Windows node on Docker Engine / MCR through cri-dockerd."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, P_RUNTIME, is_windows, node_info, parse_version, releases, runtime


@rule(
    id="node-docker-via-cri-dockerd",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node runs Docker through cri-dockerd instead of containerd",
    explanation="""A node reporting a docker:// runtime with a 1.24+ kubelet goes through the cri-dockerd
    adapter (dockershim is gone). That works — the Windows docs list Mirantis Container Runtime for
    Windows Server 2019 and later — but with Docker, terminationGracePeriodSeconds is not fully honoured
    ("TerminationGracePeriod: requires containerD") and volume mounts must target a directory, not a
    single file (failure E37); containerd has neither restriction.""",
    fix="Prefer containerd on Windows node pools.",
    source=("kubernetes/website:content/en/docs/concepts/windows/intro.md (container runtimes; TerminationGracePeriod); "
            "content/en/docs/concepts/storage/windows-storage.md; moby/moby#25982"),
    fails=windows_node_example('v1.37.2', 'docker://24.0.7', '10.0.20348.2113'),
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
    kubelet = parse_version(node_info(node).get("kubeletVersion"))
    if kubelet is None or kubelet[:2] < removed:
        return  # dockershim: node-dockershim-removed
    yield Hit(P_RUNTIME, f"{rt.text} through cri-dockerd: terminationGracePeriodSeconds is not fully honoured and "
                         "volume mounts must target directories (containerd has neither restriction)")
