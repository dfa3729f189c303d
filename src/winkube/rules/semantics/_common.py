"""Shared by the semantics rules: is this pod bound for Windows, and where are its fields."""
from __future__ import annotations

from ...model.podview import as_dict
from ..base import per_targeting

INTRO = "kubernetes/website: content/en/docs/concepts/windows/intro.md (field compatibility)"
STORAGE = "kubernetes/website: content/en/docs/concepts/storage/windows-storage.md"
NETWORKING = "kubernetes/website: content/en/docs/concepts/services-networking/windows-networking.md"


@per_targeting
def windows_bound(ctx) -> bool:
    """The pod asks for Windows (spec.os, selectors, RuntimeClass, HostProcess, images) or can only land
    there (Targeting.windows_bound, decided once per Targeting)."""
    return ctx.targeting.windows_bound


@per_targeting
def windows_unannounced(ctx) -> bool:
    """Bound for Windows without a valid spec.os, so the API server checks nothing OS-specific.
    (With os.name linux on a Windows-bound pod, the kubelet rule reports the contradiction.)"""
    return ctx.targeting.windows_bound and ctx.view.os_name not in ("windows", "linux")  # most pods: not bound


@per_targeting
def windows_host_process(ctx) -> bool:
    """Bound for Windows and a HostProcess pod: the precondition of the HostProcess rules."""
    t = ctx.targeting
    return t.host_process and t.windows_bound


def container_security_field(ctx, field: str):
    """(path, value) of a container-level securityContext field in every container that sets it."""
    for c in ctx.view.containers():
        sc = c.security_context
        if sc.get(field) is not None:
            yield c, c.path + ("securityContext", field), sc[field]


def pod_security_field(ctx, field: str):
    sc = ctx.view.security_context
    if sc.get(field) is not None:
        yield ctx.view.path("securityContext", field), sc[field]


def host_process(ctx) -> bool:
    return ctx.targeting.host_process


def effective_windows_option(view, container, name):
    own = as_dict(container.security_context.get("windowsOptions")).get(name)
    if own is not None:
        return own
    return as_dict(view.security_context.get("windowsOptions")).get(name)
