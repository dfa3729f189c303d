from __future__ import annotations

from ...k8s.labels import LABEL_OS

GUIDE = "kubernetes/website: content/en/docs/concepts/windows/user-guide.md (taints and tolerations, nodeSelector)"
PREDICATE = "kubernetes/kubernetes: pkg/kubelet/lifecycle/predicate.go"
RC_ADMISSION = "kubernetes/kubernetes: plugin/pkg/admission/runtimeclass/admission.go"


def pools_text(pools) -> str:
    return ", ".join(p.describe() for p in pools)


def default_profile(ctx) -> bool:
    """The pools are the embedded default's guess: findings that depend on them are softer."""
    return ctx.profile.assumed


def os_fix(os_: str, ctx) -> str:
    taints = sorted({f"{t.key}={t.value}:{t.effect}" for p in ctx.profile.pools if p.os == os_ for t in p.taints})
    fix = f"add nodeSelector {LABEL_OS}: {os_}"
    if os_ == "windows" and taints:
        fix += " and a toleration for " + ", ".join(taints)
    return fix + f", and spec.os.name: {os_}"
