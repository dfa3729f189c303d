"""Structure per release: each supported release is judged by its own schema
(knowledge/openapi/v<release>.json), so a field added after the release asked is an unknown field
there, an apiVersion the release does not serve by default is refused, and an enum lists the
release's values.

The expectations are the release history, read from kubernetes/kubernetes at each release's tag
(the `sources` of knowledge/api_validation.yaml), not from winkube: the field in
staging/src/k8s.io/api/core/v1/types.go at the tag that adds it and absent at the tag before; the
group-versions of pkg/controlplane/instance.go; the supported values of
pkg/apis/core/validation/validation.go. The release files themselves are proven against what a
server serves in tests/test_openapi_schemas.py (1.37: equal to the real kube-apiserver's).
"""
from __future__ import annotations

import pytest
from lintkit import WIN_IMAGE, by_rule, ctr, deployment, findings, only, windows_spec

from winkube.k8s import releases
from winkube.structure.check import check
from winkube.structure.schema import schema_for

P = "spec.template.spec."


def _all_releases():
    lo, hi = releases.oldest(), releases.newest()
    return [(1, m) for m in range(lo[1], hi[1] + 1)]


@pytest.mark.parametrize("version", _all_releases(), ids=lambda v: f"{v[0]}.{v[1]}")
def test_every_supported_release_is_judged_by_its_own_schema(version):
    schema = schema_for(version)
    assert schema is not None, f"no knowledge/openapi/v{version[0]}.{version[1]}.json: run `make schemas`"
    assert schema.kube_version.startswith(f"v{version[0]}.{version[1]}.")
    assert schema.kube_version == releases.tag(version)  # the tag every other release fact is read at
    s = check(deployment(windows_spec()), version)
    assert s.exact_schema and s.schema.kube_version == schema.kube_version and s.served is True


# (field added, the release that added it, the manifest's spec fields, the path reported)
ADDED = [
    # Container.resizePolicy: InPlacePodVerticalScaling, v1.27.0 (absent at v1.26.15)
    ("resizePolicy", (1, 27), {"containers": [ctr(image=WIN_IMAGE, resizePolicy=[{"resourceName": "cpu",
                                                                                  "restartPolicy": "NotRequired"}])]},
     P + "containers[0].resizePolicy"),
    # Container.restartPolicy (sidecar init containers): v1.28.0 (absent at v1.27.16)
    ("init restartPolicy", (1, 28), {"initContainers": [ctr("sidecar", WIN_IMAGE, restartPolicy="Always")]},
     P + "initContainers[0].restartPolicy"),
    # PodSpec.resources (pod-level resources): v1.32.0 (absent at v1.31.14)
    ("pod resources", (1, 32), {"resources": {"limits": {"cpu": "1"}}}, P + "resources"),
    # Lifecycle.stopSignal: v1.33.0 (absent at v1.32.13)
    ("stopSignal", (1, 33), {"containers": [ctr(image=WIN_IMAGE, lifecycle={"stopSignal": "SIGTERM"})]},
     P + "containers[0].lifecycle.stopSignal"),
]


@pytest.mark.parametrize("name,added,fields,path", ADDED, ids=[a[0] for a in ADDED])
def test_a_field_is_unknown_before_the_release_that_added_it(name, added, fields, path):
    obj = deployment(windows_spec(**fields))
    assert by_rule(findings(obj, kube_version=added), "unknown-field") == []
    before = (added[0], added[1] - 1)
    f = only(findings(obj, kube_version=before), "unknown-field")
    # the server's strict decoding error: 'strict decoding error: unknown field "<path>"' (winkube may
    # add a did-you-mean: resources -> resourceClaims)
    assert f.path_str == path and f.message.split(" (did you mean")[0] == f'unknown field "{path}"'
    # and the newest release knows it too
    assert by_rule(findings(obj, kube_version=releases.newest()), "unknown-field") == []


FLOWSCHEMA = {"metadata": {"name": "f"}, "kind": "FlowSchema",
              "spec": {"priorityLevelConfiguration": {"name": "global-default"}}}
VAP = {"kind": "ValidatingAdmissionPolicy", "metadata": {"name": "p"}, "spec": {"validations": [{"expression": "true"}]}}
RCT = {"kind": "ResourceClaimTemplate", "metadata": {"name": "r"}, "spec": {"spec": {}}}


@pytest.mark.parametrize("obj,served_from,before_message", [
    # flowcontrol.apiserver.k8s.io/v1: stable list of instance.go from v1.29.0; v1.28.15 serves v1beta2 and v1beta3
    ({**FLOWSCHEMA, "apiVersion": "flowcontrol.apiserver.k8s.io/v1"}, (1, 29),
     "flowcontrol.apiserver.k8s.io/v1 FlowSchema is not served by Kubernetes 1.28: "
     "use flowcontrol.apiserver.k8s.io/v1beta2 or flowcontrol.apiserver.k8s.io/v1beta3"),
    # admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy: v1.30.0 (v1beta1 is off by default in 1.29)
    ({**VAP, "apiVersion": "admissionregistration.k8s.io/v1"}, (1, 30),
     "admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is not served by Kubernetes 1.29 "
     "(served by default from Kubernetes 1.30 on)"),
    # resource.k8s.io/v1: v1.34.0; in 1.33 only resource.k8s.io betas exist, all off by default
    ({**RCT, "apiVersion": "resource.k8s.io/v1"}, (1, 34),
     "resource.k8s.io/v1 ResourceClaimTemplate is not served by Kubernetes 1.33 "
     "(served by default from Kubernetes 1.34 on)"),
], ids=["flowcontrol-v1", "vap-v1", "resource-v1"])
def test_an_api_version_served_from_one_release_on(obj, served_from, before_message):
    assert by_rule(findings(obj, kube_version=served_from), "api-version-not-served") == []
    f = only(findings(obj, kube_version=(1, served_from[1] - 1)), "api-version-not-served")
    assert f.path_str == "apiVersion" and f.message == before_message


def test_a_legacy_beta_served_by_default_until_its_removal():
    # autoscaling/v2beta2 HorizontalPodAutoscaler: legacyBetaEnabledByDefaultResources of v1.25.16's
    # instance.go; removed in 1.26 (knowledge/api_removals.yaml names the replacement)
    hpa = {"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d"}, "maxReplicas": 3, "minReplicas": 1}}
    s = check(hpa, (1, 25))
    assert s.served is True and s.decoded.ok and not s.decoded.unknown
    f = only(findings({**hpa, "spec": {**hpa["spec"], "maxReplica": 3}}, kube_version=(1, 25)), "unknown-field")
    assert f.message == 'unknown field "spec.maxReplica" (did you mean "maxReplicas"?)'
    f = only(findings(hpa, kube_version=(1, 26)), "api-version-not-served")
    assert f.message == ("autoscaling/v2beta2 HorizontalPodAutoscaler is not served by Kubernetes 1.26 "
                         "(removed in 1.26): use autoscaling/v2")


@pytest.mark.parametrize("version,supported", [
    # v1.34.4 validation.go:4300 ValidateTolerations: Lt and Gt do not exist yet
    ((1, 34), '"Equal", "Exists"'),
    # v1.35.4 validation.go:4394 / v1.37.2 :4526: they exist, behind the TaintTolerationComparisonOperators gate (off)
    ((1, 35), '"Equal", "Exists", "Lt", "Gt"'),
    ((1, 37), '"Equal", "Exists", "Lt", "Gt"'),
])
def test_an_enum_lists_the_values_of_the_release(version, supported):
    obj = deployment(windows_spec(tolerations=[{"key": "k", "operator": "Lt", "value": "1", "effect": "NoSchedule"}]))
    f = only(findings(obj, kube_version=version), "unsupported-value")
    assert f.path_str == P + "tolerations[0].operator"
    assert f.message == f'Unsupported value: "Lt": supported values: {supported}'


def test_an_enum_without_a_marker_in_the_release_is_still_validated():
    # PodSpec.preemptionPolicy got its `// +enum` marker in 1.27; v1.25.16 validation.go:3216
    # ValidatePreemptionPolicy checks the same two values
    assert "preemptionPolicy" not in schema_for((1, 25)).struct("io.k8s.api.core.v1.PodSpec").enums
    obj = deployment(windows_spec(preemptionPolicy="Sometimes"))
    f = only(findings(obj, kube_version=(1, 25)), "unsupported-value")
    assert f.message == 'Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'


def test_a_kind_no_release_serves_is_named_so():
    obj = {"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "d"}}
    for version in ((1, 25), releases.newest()):
        f = only(findings(obj, kube_version=version), "api-version-not-served")
        assert f.message == (f"apps/v1 Deploymnet is not served by Kubernetes {version[0]}.{version[1]} "
                             "(no version of that group serves this kind)")
