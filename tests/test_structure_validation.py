"""The replay of the API server's required-field and enum validation (structure/validate.py) read
from knowledge/field_validation.yaml and the release's schema. The proof against the real server
is tests/harness/test_structure_differential.py; these tests pin how the data drives it and what
a user sees, offline."""
from __future__ import annotations

import copy
import os

import pytest
import yaml

from winkube.engine import Engine, Options
from winkube.knowledge import load
from winkube.model.paths import render
from winkube.structure import validate as v
from winkube.structure.schema import schema_for

SCHEMA = schema_for((1, 37))
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}]}}}}


def causes(obj):
    return [(render(c.path), c.type, c.message) for c in v.validate(obj, SCHEMA, SCHEMA.kind(obj["apiVersion"], obj["kind"]))]


def test_every_enum_row_lists_exactly_the_schemas_values():
    checks = v._field_checks(SCHEMA)
    assert {c.prop for c in checks["io.k8s.api.core.v1.Container"]} >= {"name", "image", "imagePullPolicy"}
    for type_name, fields in v.facts()["fields"].items():
        for prop, row in fields.items():
            assert row["source"], f"{type_name}.{prop} has no source"
            if row["check"] == "enum":
                listed = set(row["order"]) | set((row.get("gated") or {}).get("values", ()))
                assert listed == set(SCHEMA.struct(type_name).enums[prop]), (type_name, prop)
    for kind, row in v.facts()["workloads"].items():
        assert "template" in row and (kind in ("Pod", "PodTemplate") or row["source"]), kind


def test_a_release_that_changes_an_enum_breaks_the_data_file_loudly(tmp_path, monkeypatch):
    data = yaml.safe_load(open(os.path.join(os.path.dirname(v.__file__), "..", "knowledge", "field_validation.yaml")))
    data["fields"]["io.k8s.api.core.v1.Container"]["imagePullPolicy"]["order"].append("Sometimes")
    (tmp_path / "field_validation.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("WINKUBE_KNOWLEDGE_DIR", str(tmp_path))
    load.cache_clear()
    v.facts.cache_clear()
    v._field_checks.cache_clear()
    try:
        with pytest.raises(ValueError, match="imagePullPolicy"):
            v._field_checks(SCHEMA)
    finally:
        monkeypatch.delenv("WINKUBE_KNOWLEDGE_DIR")
        load.cache_clear()
        v.facts.cache_clear()
        v._field_checks.cache_clear()
        v.workload.cache_clear()


def test_a_valid_deployment_has_no_causes():
    assert causes(DEPLOYMENT) == []


def test_the_servers_paths_types_and_words():
    obj = copy.deepcopy(DEPLOYMENT)
    del obj["spec"]["selector"]
    c = obj["spec"]["template"]["spec"]["containers"][0]
    c["imagePullPolicy"] = "always"
    c["ports"] = [{"containerPort": 80, "protocol": "tcp"}]
    obj["spec"]["template"]["spec"]["tolerations"] = [{"key": "os", "value": "windows", "effect": "NoSchedule", "operator": "Lt"}]
    obj["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    assert sorted(causes(obj)) == sorted([
        ("spec.selector", "Required", "Required value"),
        ("spec.template.metadata.labels", "Invalid", 'Invalid value: {"app":"web"}: `selector` does not match template `labels`'),
        ("spec.template.spec.containers[0].imagePullPolicy", "NotSupported",
         'Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"'),
        ("spec.template.spec.containers[0].ports[0].protocol", "NotSupported",
         'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"'),
        ("spec.template.spec.tolerations[0].operator", "NotSupported",
         'Unsupported value: "Lt": supported values: "Equal", "Exists", "Lt", "Gt"'),
        ("spec.template.spec.restartPolicy", "NotSupported", 'Unsupported value: "OnFailure": supported values: "Always"'),
    ])


def test_defaults_and_go_zero_values():
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
           "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i", "imagePullPolicy": "", "ports": [{}]}, None]}}}}
    got = {(p, t) for p, t, _ in causes(job)}
    # "" is defaulted (no error); a missing restartPolicy defaults to Always, which a Job refuses;
    # a port without containerPort and a null container (a zero Container) are Required
    assert got == {("spec.template.spec.restartPolicy", "Required"), ("spec.template.spec.containers[0].ports[0].containerPort", "Required"),
                   ("spec.template.spec.containers[1].name", "Required"), ("spec.template.spec.containers[1].image", "Required")}
    # a CronJob without spec still has its spec validated (a value, not a pointer)
    assert {(p, t) for p, t, _ in causes({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}})} == {
        ("spec.schedule", "Required"), ("spec.jobTemplate.spec.template.spec.containers", "Required"),
        ("spec.jobTemplate.spec.template.spec.restartPolicy", "Required")}
    # ReplicationController: the selector defaults from the template's labels; its template is a pointer
    rc = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "r"},
          "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    assert causes(rc) == []
    assert {(p, t) for p, t, _ in causes({**rc, "spec": {}})} == {("spec.selector", "Required"), ("spec.template", "Required")}


def test_findings_carry_stage_admission_and_the_error_type():
    obj = copy.deepcopy(DEPLOYMENT)
    del obj["spec"]["selector"]
    found = {(f.rule, f.stage.value, f.severity.value, render(f.path), f.error_type)
             for f in Engine(Options(locate=False)).check_object(obj) if f.rule in ("required-value", "selector-template-mismatch")}
    assert found == {("required-value", "admission", "error", "spec.selector", "Required"),
                     ("selector-template-mismatch", "admission", "error", "spec.template.metadata.labels", "Invalid")}


def test_nothing_is_validated_when_decoding_already_failed():
    obj = copy.deepcopy(DEPLOYMENT)
    del obj["spec"]["selector"]
    obj["spec"]["template"]["spec"]["containers"][0]["command"] = "app.exe"  # a 400 before any validation
    rules = {f.rule for f in Engine(Options(locate=False)).check_object(obj)}
    assert "field-type-mismatch" in rules and "required-value" not in rules


def test_values_are_printed_as_the_server_prints_them():
    # encoding/json: sorted keys, <, > and & escaped (read from a real 1.37.2 answer); an empty
    # selector is printed as the server holds it, both lists omitted
    assert v.go_json({"b": "c", "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":"c"}'
    obj = copy.deepcopy(DEPLOYMENT)
    obj["spec"]["selector"] = {"matchLabels": {}}
    assert causes(obj) == [("spec.selector", "Invalid", "Invalid value: {}: empty selector is invalid for deployment")]
