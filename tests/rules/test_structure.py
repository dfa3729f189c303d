"""Structure rules: served apiVersion, decoding into the Go types, unknown fields, the API server's
warnings. The exact agreement with kube-apiserver is proven in tests/harness/test_structure_*.py;
these tests pin the messages, paths and the engine's handling."""
from __future__ import annotations

import pytest
import yaml
from harness.controlplane import shared_dir
from lintkit import KINDS, PREFIX, by_rule, ctr, findings, only, pod, windows_spec

from winkube.model.finding import Severity, Stage
from winkube.structure.decode import quantity_ok


def real(name: str) -> list[dict]:
    text = (shared_dir() / "corpus" / "real-windows" / name).read_text()
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def test_unknown_field_in_a_real_manifest():
    # sig-windows-tools hostprocess/antrea kube-proxy: `item:` under configMap (the API has `items`)
    docs = real("kubernetes-sigs__sig-windows-tools__hostprocess__antrea__kube-proxy__kube-proxy.yml")
    found = [f for d in docs for f in findings(d)]
    f = only(found, "unknown-field")
    assert f.path_str == "spec.template.spec.volumes[0].configMap.item"
    assert f.stage is Stage.ADMISSION and f.severity is Severity.ERROR
    assert f.message == 'unknown field "spec.template.spec.volumes[0].configMap.item" (did you mean "items"?)'


def test_removed_api_version_in_a_real_manifest():
    docs = real("microsoft__SDN__Kubernetes__PortMapping.yaml")
    found = [f for d in docs for f in findings(d)]
    f = only(found, "api-version-not-served")
    assert f.path_str == "apiVersion"
    assert f.message == ("extensions/v1beta1 Deployment is not served by Kubernetes 1.37 (removed in 1.16): use apps/v1")
    # the pod rules still speak: the spec moves to apps/v1 unchanged
    assert len({x.rule for x in found}) > 1


def test_deprecated_node_label_in_a_real_manifest():
    docs = real("kubernetes__website__content__en__examples__windows__emptydir-pod.yaml")
    f = only([f for d in docs for f in findings(d)], "deprecated-node-label")
    assert f.path_str == "spec.nodeSelector[beta.kubernetes.io/os]"
    assert f.message == 'deprecated since v1.14; use "kubernetes.io/os" instead'
    assert f.severity is Severity.WARNING and f.stage is Stage.ADMISSION


def test_fractional_memory_in_a_real_manifest():
    # aks-engine e2e: memory: 800m (0.8 bytes) where 800Mi was meant
    docs = real("Azure__aks-engine__test__e2e__kubernetes__workloads__validate-windows-cpu-consumption.yaml")
    hits = by_rule([f for d in docs for f in findings(d)], "fractional-byte-quantity")
    assert {h.path_str for h in hits} == {"spec.template.spec.containers[0].resources.limits[memory]",
                                          "spec.template.spec.containers[0].resources.requests[memory]"}
    assert any('fractional byte value "800m" is invalid' in h.message for h in hits)


# The examples (written here after its description; the manifests themselves are kept apart)

@pytest.mark.parametrize("kind", list(KINDS))
def test_command_as_a_string_is_a_type_mismatch(kind):
    obj = KINDS[kind](windows_spec(containers=[ctr(command="azure-cns.exe")]))
    f = only(findings(obj), "field-type-mismatch")
    assert f.path_str == f"{PREFIX[kind]}.containers[0].command"
    assert f.message.startswith("json: cannot unmarshal string into Go struct field Container.")
    assert f.message.endswith(".containers.command: expected a list")


def test_toleration_effect_in_the_wrong_case():
    spec = windows_spec(tolerations=[{"key": "os", "operator": "Equal", "value": "windows", "Effect": "NoSchedule"}])
    f = only(findings(pod(spec)), "unknown-field")
    assert f.message == ('unknown field "spec.tolerations[0].Effect" '
                         '(did you mean "effect"? field names are case-sensitive)')


def test_a_type_mismatch_where_rules_read_is_a_finding_not_an_input_error():
    # containers: "x" used to be an input error; it is what the API server answers now
    obj = pod(windows_spec(containers="x"))
    f = only(findings(obj), "field-type-mismatch")
    assert f.path_str == "spec.containers"


def test_bad_quantity_and_bad_int_or_string():
    f = only(findings(pod(windows_spec(containers=[ctr(resources={"limits": {"memory": "1 Gi"}})]))), "field-type-mismatch")
    assert f.path_str == "spec.containers[0].resources.limits.memory"
    assert "quantities must match the regular expression" in f.message
    f = only(findings(pod(windows_spec(containers=[ctr(livenessProbe={"tcpSocket": {"port": 1.5}})]))), "field-type-mismatch")
    assert "number 1.5 into Go struct field TCPSocketAction.spec.containers.livenessProbe.ProbeHandler.tcpSocket.port" in f.message


@pytest.mark.parametrize("text,ok", [("1Gi", True), ("500m", True), ("Mi", True), ("1e3", True), (" 2 ", True),
                                     ("1 Gi", False), ("1Gb", False), ("", False), ("1e", False), ("1.5.5", False)])
def test_quantity_syntax(text, ok):
    assert quantity_ok(text) is ok


def test_custom_resources_and_unknown_groups_are_left_alone():
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"anything": 1}}
    assert findings(obj) == []


def test_a_correct_workload_has_no_structure_finding():
    for kind, build in KINDS.items():
        found = findings(build(windows_spec()))
        assert not [f for f in found if f.rule in ("unknown-field", "field-type-mismatch", "api-version-not-served")], kind
