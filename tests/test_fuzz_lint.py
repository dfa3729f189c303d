"""Hostile input never becomes a traceback: random text through the reader, random object shapes
through every rule (hypothesis, derandomized so CI is repeatable)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winkube.engine import Engine, Options
from winkube.load.documents import read_text
from winkube.model.finding import Result
from winkube.model.podview import POD_SPEC_PATHS

FUZZ = settings(derandomize=True, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENGINE = Engine(Options())

YAML_ALPHABET = st.sampled_from(list("ab:-[]{},&*!|>'\"#%@` \n\t0x1.~?<=") + ["---\n", "  ", "<<: ", "!!int ", "&a ", "*a"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=25)
FIELDS = ["securityContext", "containers", "initContainers", "ephemeralContainers", "os", "nodeSelector", "affinity",
          "tolerations", "volumes", "runtimeClassName", "hostNetwork", "resources", "nodeName", "hostPID"]
CONTAINER_FIELDS = ["name", "image", "securityContext", "resources", "command", "volumeMounts", "lifecycle", "volumeDevices"]
SC_FIELDS = ["windowsOptions", "runAsUser", "privileged", "capabilities", "runAsNonRoot", "seccompProfile", "sysctls"]


@st.composite
def pod_specs(draw):
    sc = draw(st.dictionaries(st.sampled_from(SC_FIELDS), values, max_size=4))
    containers = draw(st.lists(st.one_of(values, st.dictionaries(st.sampled_from(CONTAINER_FIELDS), values, max_size=5)
                                         .map(lambda c: {**c, "securityContext": sc})), max_size=3))
    spec = draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=6))
    spec["containers"] = containers
    if draw(st.booleans()):
        spec["securityContext"] = {**sc, "windowsOptions": draw(st.one_of(values, st.dictionaries(
            st.sampled_from(["hostProcess", "runAsUserName", "gmsaCredentialSpec", "gmsaCredentialSpecName"]), values)))}
    return spec


@FUZZ
@given(st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_reader_never_raises(text):
    errors = []
    for doc in read_text("fuzz.yaml", text, errors):
        doc.locate(("spec", "containers", 0, "image"))
        doc.line_text(1)


@FUZZ
@given(st.sampled_from(sorted(POD_SPEC_PATHS)), pod_specs(), st.sampled_from([(1, 30), (1, 33), (1, 34), (1, 37)]))
def test_every_rule_survives_any_object_shape(kind, spec, version):
    obj: dict = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}}
    cur = obj
    path = POD_SPEC_PATHS[kind]
    for seg in path[:-1]:
        cur = cur.setdefault(seg, {})
    cur[path[-1]] = spec
    errors = []
    engine = Engine(Options(kube_version=version))
    engine.check_object(obj, None, errors)
    assert not [e for e in errors if "internal error" in e.message], errors


@FUZZ
@given(st.sampled_from(["Node", "RuntimeClass", "KubeletConfiguration"]), values)
def test_cluster_object_rules_survive_any_shape(kind, body):
    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "n", "labels": {"kubernetes.io/os": "windows"}}}
    if isinstance(body, dict):
        obj.update({k: v for k, v in body.items() if k not in ("kind",)})
    errors = []
    ENGINE.check_object(obj, None, errors)
    assert not [e for e in errors if "internal error" in e.message], errors


def test_result_counts_survive_garbage_documents():
    from winkube.load.inputs import Source
    result: Result = ENGINE.lint_sources([Source("g.yaml", "- 1\n---\n42\n---\nkind: 7\n---\n{kind: Pod, spec: 3}\n", False)], [])
    # YAML that is no Kubernetes object is skipped (issue 11); a Pod without apiVersion is broken
    assert result.documents == 4 and [e.message for e in result.errors] == ["Pod: apiVersion not set"]
