"""dnsPolicy ClusterFirstWithHostNet on a Windows pod on the host network: not supported on Windows.

Without hostNetwork (or HostProcess, which runs on the host network) the policy means ClusterFirst:
the kubelet's getPodDNSType maps ClusterFirstWithHostNet to cluster DNS for every pod
(kubernetes/kubernetes pkg/kubelet/network/dns/dns.go), so there is nothing Windows drops."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import NETWORKING, host_process, windows_bound

KUBELET_DNS = "kubernetes/kubernetes: pkg/kubelet/network/dns/dns.go (getPodDNSType)"


@rule(
    id="dns-policy-cluster-first-with-host-net",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="dnsPolicy: ClusterFirstWithHostNet on a host-network pod bound for Windows nodes",
    explanation="""Windows does not support the ClusterFirstWithHostNet DNS policy for pods on the host
network (hostNetwork or HostProcess). On any other pod the kubelet treats the policy as ClusterFirst,
so it is not reported there.""",
    fix="Use dnsPolicy: ClusterFirst (the default) for Windows pods.",
    source=f"{NETWORKING} (DNS limitations); content/en/docs/concepts/services-networking/dns-pod-service.md; {KUBELET_DNS}",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
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
    spec = ctx.view.spec
    if spec.get("dnsPolicy") != "ClusterFirstWithHostNet" or not windows_bound(ctx):
        return
    if spec.get("hostNetwork") is True or host_process(ctx):
        yield Hit(ctx.view.path("dnsPolicy"), "ClusterFirstWithHostNet is not supported on Windows")
