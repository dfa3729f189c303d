"""A Windows node without a taint that keeps other pods off it."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_dict, as_list
from ..base import Hit, rule
from ._common import windows_node_example, is_windows

_REPELS = ("NoSchedule", "NoExecute")


def _os_taint(t: dict) -> bool:
    key = str(t.get("key") or "")
    return t.get("effect") in _REPELS and (key == "os" or key.endswith("/os") or t.get("value") == "windows")


@rule(
    id="node-windows-taint-missing",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node is not tainted os=windows:NoSchedule",
    explanation="""The upstream guide recommends registering Windows nodes with
    --register-with-taints='os=windows:NoSchedule', so that workloads without an OS selector — most
    Linux charts — are not scheduled onto them, where they fail to pull ("no match for platform in
    manifest", failures E4/E5/E27). Windows workloads then carry a matching toleration (or get it from
    a RuntimeClass). Any NoSchedule/NoExecute taint keyed os (or */os), or valued windows, is
    accepted.""",
    fix="Register Windows nodes with --register-with-taints='os=windows:NoSchedule' (or taint the pool) and add the toleration to Windows workloads.",
    source="kubernetes/website:content/en/docs/concepts/windows/user-guide.md (Ensuring OS-specific workloads land on the appropriate container host)",
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
    spec:
      taints: []
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.20348.2113"}
    """,
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    taints = [t for t in as_list(as_dict(node.get("spec")).get("taints")) if isinstance(t, dict)]
    if any(_os_taint(t) for t in taints):
        return
    path = ("spec", "taints") if taints else ("spec",)
    yield Hit(path, "Windows node without an os=windows:NoSchedule taint: pods without an OS selector can be scheduled onto it")
