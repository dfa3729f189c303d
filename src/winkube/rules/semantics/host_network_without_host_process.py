"""hostNetwork on a Windows pod that is not a HostProcess pod."""
from __future__ import annotations

from ...knowledge import load
from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, host_process, windows_bound


@rule(
    id="host-network-without-host-process",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="hostNetwork: true on a Windows pod that is not a HostProcess pod",
    explanation="""Host networking is not possible for ordinary Windows containers: only HostProcess pods
    share the node's network. The API server accepts the field, and through 1.25 and from 1.33 the
    pod gets its own network namespace anyway. In 1.26–1.32 the kubelet asks the container runtime
    for the node's network for such a pod (alpha gate WindowsHostNetwork, on by default there), and
    the pod shares it only where the runtime implements that: reported as info for those releases.""",
    fix="Remove hostNetwork, or make the pod a HostProcess pod if it needs the host's network.",
    source=f"{INTRO} (hostNetwork); pkg/kubelet/kuberuntime/kuberuntime_sandbox.go generatePodSandboxWindowsConfig "
           "and the WindowsHostNetwork gate at each tag; knowledge/kubelet_windows.yaml (host_network)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if ctx.view.spec.get("hostNetwork") is True and not host_process(ctx) and windows_bound(ctx):
        hn = load("kubelet_windows")["host_network"]
        if _release(hn["asked_from"]) <= tuple(ctx.kube_version) <= _release(hn["asked_until"]):
            yield Hit(ctx.view.path("hostNetwork"),
                      f"in Kubernetes {ctx.kube_version[0]}.{ctx.kube_version[1]} the kubelet asks the container runtime "
                      f"for the node's network for this pod ({hn['gate']}, an alpha gate on by default in "
                      f"{hn['asked_from']}–{hn['asked_until']}); it is shared only where the runtime implements that",
                      severity=Severity.INFO)
            return
        yield Hit(ctx.view.path("hostNetwork"), "hostNetwork is only possible for HostProcess pods on Windows")


def _release(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)
