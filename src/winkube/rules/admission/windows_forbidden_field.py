"""Linux-only fields on a pod with spec.os.name: windows: Forbidden "cannot be set for a windows pod"."""
from __future__ import annotations

from functools import lru_cache

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_UTIL, SRC_VALIDATION, facts, field_active, has_os, is_set, os_name_of, parse_version, value_set

DETAIL = "cannot be set for a windows pod"
_EMPTY: dict = {}


@lru_cache(maxsize=16)
def _rows(kube_version: tuple[int, int]) -> tuple[tuple, tuple]:
    """The forbidden-field rows in force for a release, (pod level, container level), each row as
    (first path segment, path, when, type): a field whose first segment is absent is not looked up."""
    rows = [(r["path"][0], tuple(r["path"]), r["when"], r["type"], r["level"])
            for r in facts()["windows_forbidden"] if field_active(r, kube_version)]
    return tuple(r[:4] for r in rows if r[4] == "pod"), tuple(r[:4] for r in rows if r[4] == "container")


@lru_cache(maxsize=16)
def _groups(kube_version: tuple[int, int]) -> tuple[tuple, tuple] | None:
    """_rows with consecutive rows of one first segment grouped (order kept), for paths of at most two
    segments: (first, ((second or None, path, when, type), ...)). The first segment (securityContext)
    is then looked up once per group, not once per row. None when a row's path is longer."""
    out = []
    for rows in _rows(kube_version):
        groups: list[tuple[str, list]] = []
        for first, path, when, typ in rows:
            if len(path) > 2:
                return None
            if not groups or groups[-1][0] != first:
                groups.append((first, []))
            groups[-1][1].append((path[1] if len(path) == 2 else None, path, when, typ))
        out.append(tuple((first, tuple(group)) for first, group in groups))
    return out[0], out[1]


@rule(
    id="windows-forbidden-field",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_os,
    summary="a Linux-only field is set on a pod with spec.os.name: windows",
    explanation="""For a pod that declares spec.os.name: windows the API server forbids the Linux-only
    security settings: pod-level seLinuxOptions, seccompProfile, appArmorProfile, fsGroup,
    fsGroupChangePolicy, non-empty sysctls, runAsUser, runAsGroup, supplementalGroups (even []),
    supplementalGroupsPolicy, seLinuxChangePolicy, hostUsers, hostPID/hostIPC true and
    shareProcessNamespace (even false); and in every container (init, regular, ephemeral)
    seLinuxOptions, seccompProfile, appArmorProfile, capabilities, readOnlyRootFilesystem,
    privileged, allowPrivilegeEscalation, procMount, runAsUser and runAsGroup — any value,
    including false, 0 and {}. Gated fields count only in releases where the gate is on by default.
    In 1.25 and 1.26 a Pod's seccomp annotations (seccomp.security.alpha.kubernetes.io/pod,
    container.seccomp.security.alpha.kubernetes.io/NAME) fill an unset seccompProfile before
    validation, so they are rejected on a Windows Pod as the field would be.""",
    fix="Remove the field; on Windows use securityContext.windowsOptions (runAsUserName, gMSA, hostProcess).",
    source=f"{SRC_VALIDATION} validateWindows (called from ValidatePodSpec); {SRC_UTIL} dropDisabledFields; "
           "pkg/registry/core/pod/strategy.go applySeccompVersionSkew (1.25, 1.26)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {privileged: true}}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {windowsOptions: {runAsUserName: ContainerUser}}}]
    """,
)
def check(ctx):
    view = ctx.view
    if os_name_of(view) != "windows":
        return
    synced = None if view.is_template else _seccomp_synced(view, ctx.kube_version)  # (the Pod strategy's step only)
    groups = None if synced else _groups(ctx.kube_version)
    if groups is not None:  # the common case, no seccomp annotation to sync: the same test, row by row in order
        for obj, prefix, groups_ in ((view.spec, view.prefix, groups[0]),
                                     *((c.container, c.path, groups[1]) for c in view.containers())):
            for first, group in groups_:
                top = obj.get(first)
                if top is None:
                    continue  # absent or null: no row of the group is set
                sub = top if isinstance(top, dict) else _EMPTY
                for second, path, when, typ in group:
                    value = top if second is None else sub.get(second)
                    if value is not None and value_set(value, when, typ):
                        yield Hit(prefix + path, DETAIL, error_type="Forbidden")
        return
    pod_rows, container_rows = _rows(ctx.kube_version)
    spec = view.spec
    for first, path, when, typ in pod_rows:
        if first in spec and is_set(spec, path, when, typ) or synced and (None, path) in synced:
            yield Hit(view.path(*path), DETAIL, error_type="Forbidden")
    for c in view.containers():
        container = c.container
        for first, path, when, typ in container_rows:
            if first in container and is_set(container, path, when, typ) or synced and (c.name, path) in synced:
                yield Hit(c.path + path, DETAIL, error_type="Forbidden")


SECCOMP = ("securityContext", "seccompProfile")


def _seccomp_synced(view, kube_version) -> set:
    """(container name or None for the pod, SECCOMP) for each seccompProfile the Pod strategy fills
    from an annotation before validation (applySeccompVersionSkew, 1.25–1.26, Pods only)."""
    if view.is_template:  # the Pod strategy's step: nothing for a workload's template
        return set()
    rule_ = facts()["checks"]["seccomp_annotation_to_field"]
    if not parse_version(rule_["since"]) <= tuple(kube_version) <= parse_version(rule_["until"]):
        return set()
    annotations = view.pod_meta.get("annotations") if isinstance(view.pod_meta, dict) else None
    if not isinstance(annotations, dict) or not annotations:
        return set()

    def maps(value) -> bool:  # seccompFieldForAnnotation returns a field
        return isinstance(value, str) and (value in rule_["values"] or (
            value.startswith(rule_["localhost_prefix"]) and len(value) > len(rule_["localhost_prefix"])))

    out = set()
    if maps(annotations.get(rule_["pod_annotation"])) and not is_set(view.spec, SECCOMP, "present", "object"):
        out.add((None, SECCOMP))
    for c in view.containers():
        if maps(annotations.get(rule_["container_annotation_prefix"] + c.name)) \
                and not is_set(c.container, SECCOMP, "present", "object"):
            out.add((c.name, SECCOMP))
    return out
