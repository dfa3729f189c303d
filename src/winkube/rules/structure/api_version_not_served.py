"""An apiVersion/kind the release does not serve (removed beta APIs): the request fails with 404."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule


@rule(
    id="api-version-not-served",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    summary="apiVersion is not served by this Kubernetes release",
    explanation="""Beta API versions are removed after their deprecation period (extensions/v1beta1 and
    apps/v1beta1 Deployments in 1.16, batch/v1beta1 CronJobs and node.k8s.io/v1beta1 RuntimeClasses in 1.25,
    ...). The API server answers 404 Not Found and kubectl reports no matches for the kind in that version;
    nothing of the object is created.""",
    fix="Use the served apiVersion named in the message (and adapt the fields it changed, e.g. apps/v1 requires spec.selector).",
    source="kubernetes/website: content/en/docs/reference/using-api/deprecation-guide.md; the release's OpenAPI v3 "
           "(knowledge/openapi/, tools/openapi-knowledge.py); knowledge/api_removals.yaml",
    fails=r"""
    apiVersion: extensions/v1beta1
    kind: Ingress
    metadata: {name: web}
    spec: {}
    """,
    passes=r"""
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web}
    spec: {}
    """,
)
def check(ctx):
    s = ctx.structure
    if s.served is not False:
        return
    obj = ctx.obj
    version = f"{ctx.kube_version[0]}.{ctx.kube_version[1]}"
    r = s.removal
    if r is not None:
        msg = (f"{obj['apiVersion']} {obj['kind']} is not served by Kubernetes {version} "
               f"(removed in {r.removed[0]}.{r.removed[1]}): use {r.use}")
    else:
        group = obj["apiVersion"].rsplit("/", 1)[0] if "/" in obj["apiVersion"] else ""
        served = s.schema.versions_serving(obj["kind"], group)
        msg = f"{obj['apiVersion']} {obj['kind']} is not served by Kubernetes {version}"
        msg += f": use {' or '.join(served)}" if served else _later(obj["apiVersion"], obj["kind"], ctx.kube_version)
    yield Hit(("apiVersion",), msg)


def _later(api_version: str, kind: str, kube_version: tuple[int, int]) -> str:
    """A kind that a later release serves (by default) names that release: --kube-version is too old."""
    from ...structure.schema import available, schema_for

    for v in available():
        if v > kube_version and schema_for(v).kind(api_version, kind) is not None:
            return f" (served by default from Kubernetes {v[0]}.{v[1]} on)"
    return " (no version of that group serves this kind)"
