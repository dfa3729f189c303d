"""A HostProcess pod that can land on a Windows pool whose runtime cannot run it (containerd older
than 1.6, or Docker), or runs it with containerd 1.6's differences (1.7 is recommended)."""
from __future__ import annotations

from functools import lru_cache

from ...k8s.versions import parse_containerd_version, parse_version
from ...knowledge import load
from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ..base import Hit, rule
from ._common import effective_windows_option, host_process, windows_bound, windows_host_process
from .host_process_container_account import IMAGE_ACCOUNTS

HOSTPROCESS = "kubernetes/website: content/en/docs/tasks/configure-pod-container/create-hostprocess-pod.md (Limitations; Volume mounts; Choosing a user account)"


@lru_cache(maxsize=1)
def data() -> dict:
    return load("host_process")["containerd"]


def _example(runtime: str) -> str:
    """A Windows Server 2019 Node on this runtime and a HostProcess pod for it (the rule's examples)."""
    return r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.17763"}
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "%s", kernelVersion: "10.0.17763.1397"}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: agent}
    spec:
      os: {name: windows}
      hostNetwork: true
      nodeSelector: {kubernetes.io/os: windows}
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\SYSTEM'}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/nanoserver:ltsc2019"}]
    """ % runtime


@rule(
    id="host-process-containerd-minimum",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_host_process,  # bound for Windows and HostProcess (the family: bound for Windows)
    summary="a HostProcess pod can land on Windows nodes whose runtime is older than containerd 1.6 (1.7 recommended)",
    explanation="""HostProcess containers need containerd 1.6 or newer, and the HostProcess page recommends
    1.7: the kubelet passes the HostProcess flag to the runtime over CRI, which older containerd and Docker
    (dockershim, cri-dockerd) do not implement, so the pod is scheduled and then fails on the node. With
    containerd 1.6 the pod runs, but volume mounts appear only under $CONTAINER_SANDBOX_MOUNT_POINT instead
    of at their mountPath, and a local user group as runAsUserName needs 1.7. The runtime is each pool's
    status.nodeInfo.containerRuntimeVersion (or the profile's containerRuntime), judged on the pools the
    pod can land on, as targeting computed them. Older than 1.6 is an error (a warning when only some of
    the pools are); 1.6 is a warning when the pod mounts volumes or runs as a group, else an info.""",
    fix="Run HostProcess pods only on pools with containerd 1.7 or newer (upgrade containerd, or select those pools with a nodeSelector).",
    source=f"{HOSTPROCESS}; knowledge/host_process.yaml",
    fails=_example("containerd://1.5.13"),
    passes=_example("containerd://1.7.27"),
)
def check(ctx):
    if not windows_bound(ctx) or not host_process(ctx):
        return
    t = ctx.targeting
    pools = [f.pool for f in t.fits if f.schedulable and f.pool.os == "windows"]
    lands = bool(pools)
    if not pools and t.os_intent == "windows":
        # it fits no pool yet (another rule says why): judge the Windows pools it is meant for
        pools = [f.pool for f in t.fits if f.pool.os == "windows" and all(p not in ("NodeAffinity", "NodeName") for p, _ in f.failures)]
    judged = [(p, runtime(p.container_runtime)) for p in pools]
    judged = [(p, rt) for p, rt in judged if rt is not None]
    if not judged:
        return
    minimum, recommended = parse_version(data()["minimum"]), parse_version(data()["recommended"])
    path = hostprocess_path(ctx.view)
    where = "can land on" if lands else "is meant for"
    cannot = [(p, rt) for p, rt in judged if rt[0] != "containerd" or rt[1] < minimum]
    if cannot:
        names = ", ".join(f"{p.name} ({p.container_runtime})" for p, _ in cannot)
        partial = len(cannot) < len(judged)
        yield Hit(path, f"HostProcess containers need containerd {data()['minimum'].removesuffix('.0')} or newer; "
                        f"{'some of ' if partial else ''}the Windows pools the pod {where} cannot run them: {names}",
                  severity=Severity.WARNING if partial else None)
        return
    old = [(p, rt) for p, rt in judged if rt[1] < recommended]
    if not old:
        return
    needs = differences(ctx)
    names = ", ".join(f"{p.name} ({p.container_runtime})" for p, _ in old)
    msg = f"the Windows pools the pod {where} run containerd 1.6, below the 1.7 the HostProcess page recommends: {names}"
    if needs:
        yield Hit(path, f"{msg}; with 1.6 {'; '.join(needs)}", severity=Severity.WARNING)
    else:
        yield Hit(path, msg, severity=Severity.INFO)


def runtime(text) -> tuple[str, tuple[int, int, int]] | None:
    """(runtime name, version) of `containerd://1.6.14` / `docker://20.10.9`; None when unknown."""
    if not isinstance(text, str) or "://" not in text:
        return None
    name, rest = text.split("://", 1)
    name = name.strip().lower()
    version = parse_containerd_version(rest) if name == "containerd" else parse_version(rest)
    return (name, version) if version is not None else None


def hostprocess_path(view) -> tuple:
    if as_dict(view.security_context.get("windowsOptions")).get("hostProcess") is not None:
        return view.prefix + ("securityContext", "windowsOptions", "hostProcess")
    for c in view.containers():
        if as_dict(c.security_context.get("windowsOptions")).get("hostProcess") is not None:
            return c.path + ("securityContext", "windowsOptions", "hostProcess")
    return view.prefix + ("securityContext", "windowsOptions", "hostProcess")


def differences(ctx) -> list[str]:
    """What containerd 1.6 does differently for this pod (knowledge/host_process.yaml since_1_7)."""
    view = ctx.view
    out = []
    mounts = [f"{c.name}: {m.get('mountPath')}" for c in view.containers()
              for m in (c.container.get("volumeMounts") or ()) if isinstance(m, dict)]
    if mounts:
        out.append(f"volume mounts appear only under $CONTAINER_SANDBOX_MOUNT_POINT, not at their mountPath ({', '.join(mounts[:3])})")
    accounts = {a.lower() for a in data()["service_accounts"]} | set(IMAGE_ACCOUNTS)  # (those: host-process-container-account)
    groups = sorted({u for c in view.containers() if isinstance(u := effective_windows_option(view, c, "runAsUserName"), str)
                     and "\\" not in u and u.lower() not in accounts})
    if groups:
        out.append(f"a local user group as runAsUserName ({', '.join(groups)}) is not supported")
    return out
