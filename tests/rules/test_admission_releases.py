"""Releases 1.25 to the newest: the admission causes of each release, row boundary by row boundary.

The two pods are the curated harness cases tests/harness/regressions/curated-guide-1-25-twenty-fields.json
(the 20 fields the v1.25 Windows guide lists) and curated-every-release-field.json (every field any
release forbids): test_regressions_replay proves their 1.37 answer against the real kube-apiserver
v1.37.2. The older releases rest on kubernetes/kubernetes at each release's tag (the `sources` of
knowledge/api_validation.yaml): validateWindows, validateOS and validatePodResources in
pkg/apis/core/validation/validation.go, the gate defaults in pkg/features, dropDisabledFields in
pkg/api/pod/util.go. The expectations below are written from those files, not from winkube.

These are validation's answers (the 422 causes). A field an older release's API does not have yet
(appArmorProfile before 1.30, supplementalGroupsPolicy before 1.31, seLinuxChangePolicy before 1.32,
spec.resources before 1.32) never reaches validation there: decoding drops it, or refuses it as an
unknown field under fieldValidation=Strict; winkube's structure checks decode with the release's own
schema (knowledge/openapi/v<release>.json), so on the command line that 400 is an `unknown-field`.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from winkube.api import admission_errors
from winkube.k8s import releases
from winkube.knowledge import load

REGRESSIONS = Path(__file__).resolve().parents[1] / "harness" / "regressions"
GUIDE_POD = json.loads((REGRESSIONS / "curated-guide-1-25-twenty-fields.json").read_text())["object"]
EVERY_POD = json.loads((REGRESSIONS / "curated-every-release-field.json").read_text())["object"]

C = "spec.containers[0].securityContext."
# The v1.25 guide's list (intro.md "...you must not set the following fields"), as validateWindows
# at v1.25.16 reports them: Forbidden "cannot be set for a windows pod".
GUIDE_20 = {(p, "Forbidden") for p in (
    "spec.hostPID", "spec.hostIPC", "spec.shareProcessNamespace",
    "spec.securityContext.seLinuxOptions", "spec.securityContext.seccompProfile", "spec.securityContext.fsGroup",
    "spec.securityContext.fsGroupChangePolicy", "spec.securityContext.sysctls", "spec.securityContext.runAsUser",
    "spec.securityContext.runAsGroup", "spec.securityContext.supplementalGroups",
    C + "seLinuxOptions", C + "seccompProfile", C + "capabilities", C + "readOnlyRootFilesystem", C + "privileged",
    C + "allowPrivilegeEscalation", C + "procMount", C + "runAsUser", C + "runAsGroup")}

# What each release adds for EVERY_POD, and why (the tag where it starts; absent at the tag before).
APPARMOR = {("spec.securityContext.appArmorProfile", "Forbidden"), (C + "appArmorProfile", "Forbidden")}  # field and rule: v1.30.14
GATED_ON_IN_1_33 = {("spec.hostUsers", "Forbidden"),  # UserNamespacesSupport default on from v1.33.13 (off: dropped)
                    ("spec.securityContext.supplementalGroupsPolicy", "Forbidden"),  # SupplementalGroupsPolicy beta on, v1.33.13
                    ("spec.securityContext.seLinuxChangePolicy", "Forbidden")}  # SELinuxChangePolicy beta on, v1.33.13
POD_RESOURCES = {("spec.resources", "Forbidden")}  # validatePodResources Windows rule + PodLevelResources on: v1.34.4

EVERY_BY_RELEASE = {
    (1, 25): GUIDE_20, (1, 26): GUIDE_20, (1, 27): GUIDE_20, (1, 28): GUIDE_20, (1, 29): GUIDE_20,
    (1, 30): GUIDE_20 | APPARMOR,
    (1, 31): GUIDE_20 | APPARMOR,  # supplementalGroupsPolicy exists, gate alpha off: dropped
    (1, 32): GUIDE_20 | APPARMOR,  # seLinuxChangePolicy exists, gate alpha off: dropped; PodLevelResources alpha off
    (1, 33): GUIDE_20 | APPARMOR | GATED_ON_IN_1_33,
    (1, 34): GUIDE_20 | APPARMOR | GATED_ON_IN_1_33 | POD_RESOURCES,
    (1, 35): GUIDE_20 | APPARMOR | GATED_ON_IN_1_33 | POD_RESOURCES,
    (1, 36): GUIDE_20 | APPARMOR | GATED_ON_IN_1_33 | POD_RESOURCES,
    (1, 37): GUIDE_20 | APPARMOR | GATED_ON_IN_1_33 | POD_RESOURCES,
}


def _all_releases() -> list[tuple[int, int]]:
    lo, hi = releases.oldest(), releases.newest()
    return [(1, m) for m in range(lo[1], hi[1] + 1)]


def test_the_tables_cover_exactly_the_encoded_releases():
    assert sorted(EVERY_BY_RELEASE) == _all_releases()
    assert releases.oldest() == (1, 25), "the Windows guide's own release is the oldest encoded"


@pytest.mark.parametrize("version", _all_releases(), ids=lambda v: f"{v[0]}.{v[1]}")
def test_the_guides_twenty_fields_at_every_release(version):
    assert admission_errors(GUIDE_POD, f"{version[0]}.{version[1]}") == GUIDE_20


@pytest.mark.parametrize("version", _all_releases(), ids=lambda v: f"{v[0]}.{v[1]}")
def test_every_field_per_release(version):
    assert admission_errors(EVERY_POD, f"{version[0]}.{version[1]}") == EVERY_BY_RELEASE[version]


# The fields of EVERY_POD that 1.29's API does not have: unknown fields there (strict decoding, 400),
# from the 1.29 schema (appArmorProfile came in 1.30, supplementalGroupsPolicy 1.31, the others 1.32).
UNKNOWN_IN_1_29 = {(p, None) for p in ("spec.securityContext.appArmorProfile", C + "appArmorProfile", "spec.resources",
                                       "spec.securityContext.supplementalGroupsPolicy",
                                       "spec.securityContext.seLinuxChangePolicy")}


def test_the_command_line_gives_the_same_sets():
    """The done-when of issue 14, as a user runs it: `winkube lint --kube-version 1.25` on the guide's
    pod gives the 20 causes of the 1.25 source; the every-field pod at 1.37 gives the 1.37 set, at
    1.29 the 1.29 set and the fields 1.29 does not know."""
    import subprocess
    import sys

    exe = str(Path(sys.executable).with_name("winkube"))
    for version, obj, expected in (("1.25", GUIDE_POD, GUIDE_20), ("1.37", EVERY_POD, EVERY_BY_RELEASE[(1, 37)]),
                                   ("1.29", EVERY_POD, EVERY_BY_RELEASE[(1, 29)] | UNKNOWN_IN_1_29)):
        r = subprocess.run([exe, "lint", "--kube-version", version, "-o", "json", "-"], input=json.dumps(obj),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 1, r.stderr
        got = {(f["path"], f["errorType"]) for f in json.loads(r.stdout)["findings"] if f["stage"] == "admission"}
        assert got == expected, (version, got ^ expected)


def test_audit_of_a_dump_gives_the_same_sets(tmp_path):
    # issue 14 found `winkube audit --kube-version 1.25` running no forbidden-field check and exiting 0
    import subprocess
    import sys

    dump = tmp_path / "pod.json"
    dump.write_text(json.dumps(GUIDE_POD))
    r = subprocess.run([str(Path(sys.executable).with_name("winkube")), "audit", "-f", str(dump), "--kube-version", "1.25",
                        "-o", "json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    (w,) = json.loads(r.stdout)["workloads"]
    assert {(f["path"], f["errorType"]) for f in w["findings"] if f["stage"] == "admission"} == GUIDE_20


def test_the_1_37_answer_is_what_the_real_server_recorded():
    # the curated cases hold the real kube-apiserver v1.37.2's answer (test_regressions_replay keeps it true)
    for name, pod in (("guide-1-25-twenty-fields", GUIDE_POD), ("every-release-field", EVERY_POD)):
        rec = json.loads((REGRESSIONS / f"curated-{name}.json").read_text())
        assert rec["kube_version"] == "v1.37.2"
        assert {tuple(x) for x in rec["expect_server"]} == EVERY_BY_RELEASE[(1, 37)] & admission_errors(pod, "1.37") \
            == admission_errors(pod, "1.37")


@pytest.mark.parametrize("version, detail", [((1, 25), "cannot be empty"), ((1, 33), "cannot be empty"),
                                             ((1, 34), "Required value"), ((1, 37), "Required value")])
def test_os_name_required_detail_boundary(version, detail):
    # validateOS: field.Required(..., "cannot be empty") at v1.25.16–v1.33.13, (..., "") from v1.34.4
    from winkube.model.paths import render
    from winkube.model.podview import pod_view
    from winkube.model.profile import default_profile
    from winkube.rules import all_rules
    from winkube.rules.context import PodContext

    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"os": {}, "containers": [{"name": "c", "image": "i"}]}}
    ctx = PodContext(view=pod_view(obj), profile=default_profile(), kube_version=version)
    assert {(render(h.path), h.error_type, h.message) for h in all_rules()["os-name-required"].check(ctx)} == {
        ("spec.os.name", "Required", detail)}


def test_gates_the_rules_assume_on_are_on_in_every_release():
    """The admission rules have no 'gate off' branch for IdentifyPodOS and WindowsHostProcessContainers:
    true while both are on by default from releases.min (v1.25.16 F: IdentifyPodOS GA,
    WindowsHostProcessContainers beta on); widening the range below 1.25 must revisit that."""
    from winkube.rules.admission._common import gate_enabled
    for version in _all_releases():
        assert gate_enabled("IdentifyPodOS", version) and gate_enabled("WindowsHostProcessContainers", version)


def test_every_release_names_its_source_and_every_row_cites_a_tag():
    data = load("api_validation")
    assert sorted(tuple(int(x) for x in k.split(".")) for k in data["sources"]) == _all_releases()
    for key, src in data["sources"].items():
        assert src["tag"].startswith(f"v{key}.") and src["h1"].startswith("h1:"), key
    tags = {src["tag"] for src in data["sources"].values()}
    rows = [r for rs in data["gates"].values() for r in rs] + data["windows_forbidden"] \
        + data["checks"]["os_name_required_detail"] \
        + [data["checks"][k] for k in ("windows_pod_resources", "stop_signal", "seccomp_annotation_to_field")]
    for row in rows:
        assert any(t in row["source"] for t in tags), row


SECCOMP_ANNOTATED = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "annotated", "annotations": {
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
        "container.seccomp.security.alpha.kubernetes.io/app": "localhost/profile.json",
        "container.seccomp.security.alpha.kubernetes.io/init": "localhost/",  # no profile name: no field
        "container.seccomp.security.alpha.kubernetes.io/set": "unconfined"}},  # the field is set already
    "spec": {"os": {"name": "windows"},
             "initContainers": [{"name": "init", "image": "i"}],
             "containers": [{"name": "app", "image": "i"},
                            {"name": "set", "image": "i", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}}


@pytest.mark.parametrize("version, expected", [
    # S at v1.25.16 / v1.26.15: PrepareForCreate → applySeccompVersionSkew fills unset fields from the annotations
    ((1, 25), {("spec.securityContext.seccompProfile", "Forbidden"), (C + "seccompProfile", "Forbidden"),
               ("spec.containers[1].securityContext.seccompProfile", "Forbidden")}),
    ((1, 26), {("spec.securityContext.seccompProfile", "Forbidden"), (C + "seccompProfile", "Forbidden"),
               ("spec.containers[1].securityContext.seccompProfile", "Forbidden")}),
    # gone from S at v1.27.16: only the field the user wrote
    ((1, 27), {("spec.containers[1].securityContext.seccompProfile", "Forbidden")}),
    ((1, 37), {("spec.containers[1].securityContext.seccompProfile", "Forbidden")}),
])
def test_seccomp_annotations_become_fields_on_pods_in_1_25_and_1_26(version, expected):
    assert admission_errors(SECCOMP_ANNOTATED, f"{version[0]}.{version[1]}") == expected


def test_seccomp_annotations_of_a_template_are_not_synced():
    # the sync is the Pod strategy's; a Deployment's template is validated as written
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"}, "annotations": SECCOMP_ANNOTATED["metadata"]["annotations"]},
                                 "spec": SECCOMP_ANNOTATED["spec"]}}}
    assert admission_errors(dep, "1.25") == {("spec.template.spec.containers[1].securityContext.seccompProfile", "Forbidden")}
