"""Admission-stage rules: kube-apiserver's OS-dependent pod validation (validation.go), exact paths and types."""
from __future__ import annotations

import copy

import pytest

from winkube.model.finding import Severity, Stage
from winkube.model.paths import render
from winkube.model.podview import pod_view
from winkube.model.profile import default_profile
from winkube.rules import all_rules
from winkube.rules.context import PodContext

PROFILE = default_profile()
ADMISSION_IDS = [
    "os-name-required", "os-name-not-supported", "windows-forbidden-field", "windows-pod-resources",
    "windows-options-on-linux", "run-as-user-name-invalid", "gmsa-credential-spec-name-invalid",
    "gmsa-credential-spec-invalid", "host-process-mismatch", "host-process-all-or-none",
    "host-process-host-network", "host-process-disallowed", "stop-signal-os",
]
WIN = {"name": "windows"}
LINUX = {"name": "linux"}


def pod(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec.setdefault("containers", [{"name": "c", "image": "img"}])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def deployment(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec.setdefault("containers", [{"name": "c", "image": "img"}])
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": spec}}}


def cronjob(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec.setdefault("containers", [{"name": "c", "image": "img"}])
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": spec}}}}}


def podtemplate(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec.setdefault("containers", [{"name": "c", "image": "img"}])
    return {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"}, "template": {"spec": spec}}


def run(obj: dict, rule_id: str | None = None, version=(1, 37), allow_privileged=True, messages=False):
    """The admission causes as a set of (rendered path, error type[, message])."""
    profile = PROFILE if allow_privileged else PROFILE.replace(allow_privileged=False)
    ctx = PodContext(view=pod_view(obj), profile=profile, kube_version=version)
    rules = all_rules()
    out = set()
    for rid in ([rule_id] if rule_id else ADMISSION_IDS):
        for h in rules[rid].check(ctx):
            out.add((render(h.path), h.error_type, h.message) if messages else (render(h.path), h.error_type))
    return out


def ctr(sc: dict | None = None, **extra) -> dict:
    c = {"name": extra.pop("name", "c"), "image": "img", **extra}
    if sc is not None:
        c["securityContext"] = sc
    return c


# ----------------------------------------------------------------------------- metadata

def test_every_rule_is_registered_with_metadata():
    rules = all_rules()
    for rid in ADMISSION_IDS:
        r = rules[rid]
        assert r.stage is Stage.ADMISSION and r.severity is Severity.ERROR and r.scope == "pod"
        assert r.summary and r.explanation and r.fix and "validation.go" in r.source
        assert r.module == "winkube.rules.admission." + rid.replace("-", "_")


def test_data_file_has_a_source_on_every_row():
    from winkube.rules.admission._common import facts

    f = facts()
    for gate, rows in f["gates"].items():
        assert rows and all(r.get("source") for r in rows), gate
    assert all(r.get("source") for r in f["windows_forbidden"])
    for name, c in f["checks"].items():
        rows = c if isinstance(c, list) else [c]
        assert all(r.get("source") for r in rows), name


# ----------------------------------------------------------------------------- spec.os

@pytest.mark.parametrize("os_, expected", [
    ({}, {("spec.os.name", "Required")}),
    ({"name": ""}, {("spec.os.name", "Required")}),
    ({"name": None}, {("spec.os.name", "Required")}),
    ({"name": "Windows"}, {("spec.os", "NotSupported")}),
    ({"name": "Linux"}, {("spec.os", "NotSupported")}),
    ({"name": "darwin"}, {("spec.os", "NotSupported")}),
    ({"name": "windows"}, set()),
    ({"name": "linux"}, set()),
    (None, set()),  # os: null is a nil pointer
    ({"name": 5}, set()),  # wrong type: a decode error, not ours
    ("windows", set()),
])
def test_os(os_, expected):
    assert run(pod({"os": os_})) == expected


def test_os_messages_per_version():
    assert run(pod({"os": {}}), "os-name-required", messages=True) == {("spec.os.name", "Required", "Required value")}
    assert run(pod({"os": {}}), "os-name-required", version=(1, 31), messages=True) == {
        ("spec.os.name", "Required", "cannot be empty")}
    assert run(pod({"os": {"name": "Windows"}}), "os-name-not-supported", messages=True) == {
        ("spec.os", "NotSupported", 'supported values: "linux", "windows"')}


def test_invalid_os_suppresses_os_restrictions_but_not_the_rest():
    spec = {"os": {"name": "Windows"}, "hostPID": True, "securityContext": {"runAsUser": 0, "windowsOptions": {
        "runAsUserName": ""}}}
    assert run(pod(spec)) == {("spec.os", "NotSupported"),
                              ("spec.securityContext.windowsOptions.runAsUserName", "Invalid")}


# ----------------------------------------------------------------------------- windows-forbidden-field

POD_LEVEL_FORBIDDEN = [
    ({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}, "spec.securityContext.appArmorProfile"),
    ({"securityContext": {"seLinuxOptions": {}}}, "spec.securityContext.seLinuxOptions"),
    ({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}, "spec.securityContext.seccompProfile"),
    ({"securityContext": {"fsGroup": 0}}, "spec.securityContext.fsGroup"),
    ({"securityContext": {"fsGroupChangePolicy": "Always"}}, "spec.securityContext.fsGroupChangePolicy"),
    ({"securityContext": {"sysctls": [{"name": "a.b", "value": "1"}]}}, "spec.securityContext.sysctls"),
    ({"securityContext": {"runAsUser": 0}}, "spec.securityContext.runAsUser"),
    ({"securityContext": {"runAsGroup": 0}}, "spec.securityContext.runAsGroup"),
    ({"securityContext": {"supplementalGroups": []}}, "spec.securityContext.supplementalGroups"),
    ({"securityContext": {"supplementalGroups": [1]}}, "spec.securityContext.supplementalGroups"),
    ({"securityContext": {"supplementalGroupsPolicy": "Merge"}}, "spec.securityContext.supplementalGroupsPolicy"),
    ({"securityContext": {"seLinuxChangePolicy": "Recursive"}}, "spec.securityContext.seLinuxChangePolicy"),
    ({"hostUsers": True}, "spec.hostUsers"),
    ({"hostUsers": False}, "spec.hostUsers"),
    ({"hostPID": True}, "spec.hostPID"),
    ({"hostIPC": True}, "spec.hostIPC"),
    ({"shareProcessNamespace": False}, "spec.shareProcessNamespace"),
    ({"shareProcessNamespace": True}, "spec.shareProcessNamespace"),
]


@pytest.mark.parametrize("extra, path", POD_LEVEL_FORBIDDEN)
def test_pod_level_forbidden_on_windows(extra, path):
    assert run(pod({"os": WIN, **extra}), "windows-forbidden-field", messages=True) == {
        (path, "Forbidden", "cannot be set for a windows pod")}
    # not without spec.os, not on linux, not with an invalid os
    assert run(pod(extra), "windows-forbidden-field") == set()
    assert run(pod({"os": LINUX, **extra}), "windows-forbidden-field") == set()
    assert run(pod({"os": {"name": "Windows"}, **extra}), "windows-forbidden-field") == set()


CONTAINER_FORBIDDEN = [
    ("appArmorProfile", {"type": "Unconfined"}), ("seLinuxOptions", {}), ("seccompProfile", {"type": "Unconfined"}),
    ("capabilities", {}), ("readOnlyRootFilesystem", False), ("privileged", False),
    ("allowPrivilegeEscalation", False), ("procMount", "Default"), ("runAsUser", 0), ("runAsGroup", 0),
]


@pytest.mark.parametrize("key, value", CONTAINER_FORBIDDEN)
@pytest.mark.parametrize("list_name", ["initContainers", "containers", "ephemeralContainers"])
def test_container_forbidden_on_windows(key, value, list_name):
    spec = {"os": WIN, "containers": [ctr(name="a")]}
    spec[list_name] = spec.get(list_name, []) + [ctr({key: value}, name="x")]
    index = len(spec[list_name]) - 1
    assert run(pod(spec), "windows-forbidden-field") == {
        (f"spec.{list_name}[{index}].securityContext.{key}", "Forbidden")}


@pytest.mark.parametrize("spec", [
    {"hostPID": False, "hostIPC": False},
    {"securityContext": {"sysctls": []}},
    {"securityContext": {"runAsNonRoot": True}},
    {"securityContext": {}},
    {"securityContext": None},
    {"hostNetwork": True},
    {"hostNetwork": False},
    {"securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}},
    {"containers": [ctr({"runAsNonRoot": False, "windowsOptions": {}})]},
    {"containers": [ctr({})]},
    {"containers": [ctr(None)]},
    # null values are nil pointers: not set
    {"hostUsers": None, "shareProcessNamespace": None, "hostPID": None, "securityContext": {
        "runAsUser": None, "seLinuxOptions": None, "supplementalGroups": None, "sysctls": None, "fsGroup": None}},
    {"containers": [ctr({"privileged": None, "capabilities": None, "readOnlyRootFilesystem": None})]},
    # wrong types are decode errors, never raise, never reported
    {"hostPID": "yes", "securityContext": {"runAsUser": "0", "fsGroup": True}},
    {"securityContext": "nope", "containers": [ctr({"privileged": "true"}), "not-a-container"]},
])
def test_allowed_on_windows(spec):
    assert run(pod({"os": WIN, **spec})) == set()


def test_many_forbidden_fields_at_once_and_templates():
    spec = {
        "os": WIN, "hostPID": True, "shareProcessNamespace": False,
        "securityContext": {"runAsUser": 1, "sysctls": [], "runAsNonRoot": True},
        "initContainers": [ctr({"privileged": True}, name="i")],
        "containers": [ctr({"capabilities": {"drop": ["ALL"]}, "runAsGroup": 5}), ctr(name="d")],
    }
    rel = {("hostPID", "Forbidden"), ("shareProcessNamespace", "Forbidden"),
           ("securityContext.runAsUser", "Forbidden"), ("initContainers[0].securityContext.privileged", "Forbidden"),
           ("containers[0].securityContext.capabilities", "Forbidden"),
           ("containers[0].securityContext.runAsGroup", "Forbidden")}
    for build, prefix in ((pod, "spec"), (deployment, "spec.template.spec"),
                          (cronjob, "spec.jobTemplate.spec.template.spec"), (podtemplate, "template.spec")):
        assert run(build(spec)) == {(f"{prefix}.{p}", t) for p, t in rel}, build.__name__


@pytest.mark.parametrize("version, expected", [
    ((1, 30), set()), ((1, 31), set()), ((1, 32), set()),
    ((1, 33), {"hostUsers", "securityContext.supplementalGroupsPolicy", "securityContext.seLinuxChangePolicy"}),
    ((1, 34), {"hostUsers", "securityContext.supplementalGroupsPolicy", "securityContext.seLinuxChangePolicy"}),
    ((1, 37), {"hostUsers", "securityContext.supplementalGroupsPolicy", "securityContext.seLinuxChangePolicy"}),
])
def test_gated_fields_are_dropped_while_their_gate_is_off(version, expected):
    spec = {"os": WIN, "hostUsers": False, "securityContext": {
        "supplementalGroupsPolicy": "Strict", "seLinuxChangePolicy": "MountOption"},
        "containers": [ctr({"procMount": "Default"})]}
    got = run(pod(spec), "windows-forbidden-field", version=version)
    # procMount is forced to Default (not dropped) when ProcMountType is off: always forbidden
    assert got == {(f"spec.{p}", "Forbidden") for p in expected} | {
        ("spec.containers[0].securityContext.procMount", "Forbidden")}


# ----------------------------------------------------------------------------- windows-pod-resources

@pytest.mark.parametrize("version, fires", [((1, 30), False), ((1, 32), False), ((1, 33), False),
                                            ((1, 34), True), ((1, 35), True), ((1, 36), True), ((1, 37), True)])
def test_windows_pod_resources_per_version(version, fires):
    obj = pod({"os": WIN, "resources": {"limits": {"cpu": "1"}}})
    expected = {("spec.resources", "Forbidden", "may not be set for a windows pod")} if fires else set()
    assert run(obj, "windows-pod-resources", version=version, messages=True) == expected


@pytest.mark.parametrize("spec, expected", [
    ({"os": WIN, "resources": {}}, {("spec.resources", "Forbidden")}),
    ({"os": WIN, "resources": None}, set()),
    ({"os": LINUX, "resources": {"limits": {"cpu": "1"}}}, set()),
    ({"resources": {"limits": {"cpu": "1"}}}, set()),
    ({"os": {"name": "Windows"}, "resources": {"limits": {"cpu": "1"}}}, set()),
])
def test_windows_pod_resources_cases(spec, expected):
    assert run(pod(spec), "windows-pod-resources") == expected
    assert run(deployment(spec), "windows-pod-resources") == {
        (p.replace("spec.", "spec.template.spec.", 1), t) for p, t in expected}


# ----------------------------------------------------------------------------- windows-options-on-linux

def test_windows_options_on_linux():
    spec = {"os": LINUX, "securityContext": {"windowsOptions": {}},
            "initContainers": [ctr({"windowsOptions": {"runAsUserName": "a"}}, name="i")],
            "containers": [ctr({"windowsOptions": None}), ctr({"runAsUser": 1}, name="d")],
            "ephemeralContainers": [ctr({"windowsOptions": {}}, name="e")]}
    assert run(pod(spec), messages=True) == {
        ("spec.securityContext.windowsOptions", "Forbidden", "windows options cannot be set for a linux pod"),
        ("spec.initContainers[0].securityContext.windowsOptions", "Forbidden",
         "windows options cannot be set for a linux pod"),
        ("spec.ephemeralContainers[0].securityContext.windowsOptions", "Forbidden",
         "windows options cannot be set for a linux pod"),
    }
    # no spec.os (or an invalid one): windowsOptions are allowed
    assert run(pod({**spec, "os": None}), "windows-options-on-linux") == set()
    assert run(pod({**spec, "os": {"name": "Linux"}}), "windows-options-on-linux") == set()


def test_windows_options_on_linux_still_content_validated():
    spec = {"os": LINUX, "securityContext": {"windowsOptions": {"runAsUserName": ""}}}
    assert run(cronjob(spec)) == {
        ("spec.jobTemplate.spec.template.spec.securityContext.windowsOptions", "Forbidden"),
        ("spec.jobTemplate.spec.template.spec.securityContext.windowsOptions.runAsUserName", "Invalid")}


# ----------------------------------------------------------------------------- windowsOptions content

def test_windows_options_content_is_validated_without_spec_os_and_per_container():
    spec = {"securityContext": {"windowsOptions": {"gmsaCredentialSpecName": "Bad_Name"}},
            "containers": [ctr({"windowsOptions": {"gmsaCredentialSpec": ""}})],
            "ephemeralContainers": [ctr({"windowsOptions": {"runAsUserName": "a\\b\\c"}}, name="e")]}
    assert run(pod(spec)) == {
        ("spec.securityContext.windowsOptions.gmsaCredentialSpecName", "Invalid"),
        ("spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec", "Invalid"),
        ("spec.ephemeralContainers[0].securityContext.windowsOptions.runAsUserName", "Invalid")}


@pytest.mark.parametrize("wo", [
    {"runAsUserName": None, "gmsaCredentialSpec": None, "gmsaCredentialSpecName": None},
    {"runAsUserName": 5, "gmsaCredentialSpec": 7, "gmsaCredentialSpecName": ["x"]},
    {},
])
def test_windows_options_null_and_wrong_types(wo):
    assert run(pod({"os": WIN, "securityContext": {"windowsOptions": wo}, "containers": [ctr({"windowsOptions": wo})]})
               ) == set()


@pytest.mark.parametrize("name, messages", [
    ("webapp1-credspec", []), ("a.b.c", []), ("a" * 253, []),
    ("a" * 254, ["must be no more than 253 characters"]),
    ("Upper", ["re"]), ("under_score", ["re"]), ("", ["re"]), ("trail-", ["re"]), ("a..b", ["re"]),
    ("-" + "a" * 253, ["must be no more than 253 characters", "re"]),
    ("a\n", ["re"]),  # RE2's $ does not match before a trailing newline
    ("é", ["re"]),
])
def test_gmsa_credential_spec_name(name, messages):
    from winkube.rules.admission._common import DNS1123_SUBDOMAIN_MSG

    expected = {m if m != "re" else DNS1123_SUBDOMAIN_MSG for m in messages}
    got = run(pod({"securityContext": {"windowsOptions": {"gmsaCredentialSpecName": name}}}),
              "gmsa-credential-spec-name-invalid", messages=True)
    assert {m for _, _, m in got} == expected
    assert all(p == "spec.securityContext.windowsOptions.gmsaCredentialSpecName" and t == "Invalid" for p, t, _ in got)


def test_dns1123_message_is_the_apimachinery_text():
    from winkube.rules.admission._common import DNS1123_SUBDOMAIN_MSG

    assert DNS1123_SUBDOMAIN_MSG == (
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
        "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


@pytest.mark.parametrize("spec, message", [
    ("", "gmsaCredentialSpec cannot be an empty string"),
    ("x", None), (" ", None), ("x" * 65536, None),
    ("x" * 65537, "gmsaCredentialSpec size must be under 64 KiB"),
    ("é" * 32768, None),  # 65,536 bytes
    ("é" * 32768 + "x", "gmsaCredentialSpec size must be under 64 KiB"),  # 32,769 runes, 65,537 bytes
])
def test_gmsa_credential_spec(spec, message):
    got = run(pod({"containers": [ctr({"windowsOptions": {"gmsaCredentialSpec": spec}})]}),
              "gmsa-credential-spec-invalid", messages=True)
    assert got == ({("spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec", "Invalid", message)}
                   if message else set())


# TestValidateWindowsSecurityContextOptions (validation_test.go, k8s v1.37.2), restated: every case
# produces at most one error, and when one is expected its text contains the substring.
UPSTREAM_TABLE = [
    ("a valid RunAsUserName", "Container. User", None),
    ("a valid RunAsUserName with NetBios Domain", "Network Service\\Container. User", None),
    ("a valid RunAsUserName with DNS Domain", "fOo" * 20 + ".liSH\\Container. User", None),
    ("DNS Domain with a single character segment", "fOo" * 20 + ".l\\Container. User", None),
    ("a long single segment DNS Domain", "a" * 42 + "\\Container. User", None),
    ("an empty RunAsUserName", "", "runAsUserName cannot be an empty string"),
    ("containing a control character", "Container\tUser", "runAsUserName cannot contain control characters"),
    ("too many backslashes", "Container\\Foo\\Lish", "runAsUserName cannot contain more than one backslash"),
    ("backslash but empty Domain", "\\User", "runAsUserName's Domain doesn't match the NetBios nor the DNS format"),
    ("backslash but empty User", "Container\\", "runAsUserName's User cannot be empty"),
    ("NetBios Domain is too long", "NetBios " + "a" * 8 + "\\user", "runAsUserName's Domain doesn't match the NetBios"),
    ("DNS Domain is too long", ("a" * 63 + ".") * 4, None),  # placeholder, replaced below
    ("User is too long", "a" * 105, "runAsUserName's User length must not be longer than"),
    ("User only spaces or periods", "... ...", "runAsUserName's User cannot contain only periods or spaces"),
    ("NetBios Domain starts with a dot", ".FooLish\\User", "runAsUserName's Domain doesn't match the NetBios"),
    ("NetBios Domain invalid characters", "Foo? Lish?\\User", "runAsUserName's Domain doesn't match the NetBios"),
    ("DNS Domain invalid characters", "a" * 32 + ".com-\\user",
     "runAsUserName's Domain doesn't match the NetBios nor the DNS format"),
    ("User invalid characters", "Container/User", "runAsUserName's User cannot contain the following characters"),
]
UPSTREAM_TABLE[11] = ("DNS Domain is too long", (("a" * 63 + ".") * 4)[:253] + ".com\\user",
                      "runAsUserName's Domain length must be under")


@pytest.mark.parametrize("name, value, substring", UPSTREAM_TABLE, ids=[t[0] for t in UPSTREAM_TABLE])
def test_run_as_user_name_upstream_table(name, value, substring):
    got = run(pod({"securityContext": {"windowsOptions": {"runAsUserName": value}}}),
              "run-as-user-name-invalid", messages=True)
    if substring is None:
        assert got == set()
    else:
        assert len(got) == 1
        (path, etype, msg), = got
        assert path == "spec.securityContext.windowsOptions.runAsUserName" and etype == "Invalid"
        assert substring in msg


def _msgs(value):
    from winkube.rules.admission._common import validate_run_as_user_name

    return validate_run_as_user_name(value)


@pytest.mark.parametrize("value, expected", [
    ("\x7fuser", ["runAsUserName cannot contain control characters"]),
    ("user\x00", ["runAsUserName cannot contain control characters"]),
    ("a\\b\\\x01", ["runAsUserName cannot contain control characters"]),  # control chars win over backslashes
    ("us\u0085er", []), ("us\u009fer", []), ("dom\u0080ain\\user", []),  # C1 controls are not [[:cntrl:]]
    ("é" * 52, []), ("é" * 53, ["runAsUserName's User length must not be longer than 104 characters"]),
    ("é" * 51 + "ab", []), ("é" * 51 + "abc", ["runAsUserName's User length must not be longer than 104 characters"]),
    ("a" * 104, []),
    ("é" * 15 + "\\u", []), ("é" * 16 + "\\u", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("x" * 15 + "\\u", []), ("x" * 16 + "\\u", []),  # 16 chars: not NetBIOS, but a valid DNS label
    ("x" * 16 + "_\\u", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("my_domain\\u", []), ("NT AUTHORITY\\NETWORK SERVICE", []), ("d o m\\user", []),
    ("a..b\\u", []),  # NetBIOS allows dots after the first character
    ("trailing.\\u", []), (".leadingdot\\u", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("a" * 256 + "\\u", ["runAsUserName's Domain length must be under 256 characters",
                        "runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    (".".join(["a" * 63] * 4) + "\\u", []),  # 255 bytes, valid DNS
    (".".join(["a" * 63] * 4) + "a\\u", ["runAsUserName's Domain length must be under 256 characters",
                                        "runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("é" * 128 + "\\u", ["runAsUserName's Domain length must be under 256 characters",
                        "runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("\\", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format",
            "runAsUserName's User cannot be empty"]),
    ("user@contoso.com", ['runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]']),
    (".", ["runAsUserName's User cannot contain only periods or spaces"]),
    (" ", ["runAsUserName's User cannot contain only periods or spaces"]),
    (".user", []), ("ünïcödé", []), ("用户", []), ("us'er", []), ("us er", []),
    ("dom?in\\" + "." * 105, ["runAsUserName's Domain doesn't match the NetBios nor the DNS format",
                             "runAsUserName's User length must not be longer than 104 characters",
                             "runAsUserName's User cannot contain only periods or spaces"]),
    ("d\\us[er]", ['runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]']),
])
def test_run_as_user_name_edges(value, expected):
    assert _msgs(value) == expected


# ----------------------------------------------------------------------------- hostProcess

def hp(value):
    return {"windowsOptions": {"hostProcess": value}}


@pytest.mark.parametrize("spec, expected", [
    # pod true, containers inherit, hostNetwork true: valid
    ({"hostNetwork": True, "securityContext": hp(True)}, set()),
    # pod true without hostNetwork
    ({"securityContext": hp(True)}, {("spec.hostNetwork", "Invalid")}),
    ({"hostNetwork": False, "securityContext": hp(True)}, {("spec.hostNetwork", "Invalid")}),
    ({"hostNetwork": None, "securityContext": hp(True)}, {("spec.hostNetwork", "Invalid")}),
    # container true, another unset: all-or-none + hostNetwork
    ({"containers": [ctr(hp(True)), ctr(name="d")]}, {("spec", "Invalid"), ("spec.hostNetwork", "Invalid")}),
    ({"hostNetwork": True, "containers": [ctr(hp(True)), ctr(hp(True), name="d")]}, set()),
    # pod true, one container overrides false: mismatch + all-or-none
    ({"hostNetwork": True, "securityContext": hp(True), "containers": [ctr(hp(False)), ctr(name="d")]},
     {("spec.containers[0].securityContext.windowsOptions.hostProcess", "Invalid"), ("spec", "Invalid")}),
    # pod true, every container overrides false: only mismatches, no hostNetwork requirement
    ({"securityContext": hp(True), "initContainers": [ctr(hp(False), name="i")], "containers": [ctr(hp(False))]},
     {("spec.initContainers[0].securityContext.windowsOptions.hostProcess", "Invalid"),
      ("spec.containers[0].securityContext.windowsOptions.hostProcess", "Invalid")}),
    # pod false, container true
    ({"hostNetwork": True, "securityContext": hp(False), "containers": [ctr(hp(True))]},
     {("spec.containers[0].securityContext.windowsOptions.hostProcess", "Invalid")}),
    # false everywhere: nothing
    ({"securityContext": hp(False), "containers": [ctr(hp(False))]}, set()),
    # null and wrong types are unset
    ({"securityContext": hp(None), "containers": [ctr(hp("true"))]}, set()),
    # ephemeral containers count
    ({"hostNetwork": True, "securityContext": hp(True), "ephemeralContainers": [ctr(hp(False), name="e")]},
     {("spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess", "Invalid"), ("spec", "Invalid")}),
    ({"ephemeralContainers": [ctr(hp(True), name="e")]}, {("spec", "Invalid"), ("spec.hostNetwork", "Invalid")}),
])
def test_host_process(spec, expected):
    assert run(pod(spec)) == expected
    # HostProcess rules run whatever spec.os says, and do not lift the windows restrictions
    assert run(pod({"os": WIN, **spec})) == expected


def test_host_process_on_linux_pod_and_templates():
    spec = {"os": LINUX, "securityContext": hp(True)}
    assert run(deployment(spec)) == {("spec.template.spec.securityContext.windowsOptions", "Forbidden"),
                                     ("spec.template.spec.hostNetwork", "Invalid")}
    assert run(podtemplate({"containers": [ctr(hp(True)), ctr(name="d")]})) == {
        ("template.spec", "Invalid"), ("template.spec.hostNetwork", "Invalid")}


def test_host_process_messages():
    spec = {"securityContext": hp(False), "containers": [ctr(hp(True)), ctr(name="d")]}
    got = run(pod(spec), messages=True, allow_privileged=False)
    assert got == {
        ("spec.containers[0].securityContext.windowsOptions.hostProcess", "Invalid",
         "pod hostProcess value must be identical if both are specified, was false"),
        ("spec", "Invalid", "If pod contains any hostProcess containers then all containers must be HostProcess "
                            "containers"),
        ("spec.hostNetwork", "Invalid", "hostNetwork must be true if pod contains any hostProcess containers"),
        ("spec", "Forbidden", "hostProcess containers are disallowed by cluster policy"),
    }


def test_host_process_disallowed_only_without_allow_privileged():
    spec = {"os": WIN, "hostNetwork": True, "securityContext": hp(True)}
    assert run(pod(spec), allow_privileged=False) == {("spec", "Forbidden")}
    assert run(pod(spec), allow_privileged=True) == set()
    assert run(cronjob(spec), "host-process-disallowed", allow_privileged=False) == {
        ("spec.jobTemplate.spec.template.spec", "Forbidden")}
    assert run(pod({"securityContext": hp(False)}), allow_privileged=False) == set()


# ----------------------------------------------------------------------------- stopSignal

@pytest.mark.parametrize("version", [(1, 30), (1, 33), (1, 34), (1, 35), (1, 36), (1, 37)])
def test_stop_signal_is_dropped_while_the_gate_is_off(version):
    spec = {"containers": [ctr(lifecycle={"stopSignal": "SIGUSR1"})]}
    assert run(pod(spec), "stop-signal-os", version=version) == set()
    assert run(pod({"os": WIN, **spec}), "stop-signal-os", version=version) == set()


@pytest.fixture
def stop_signals_default_on(tmp_path, monkeypatch):
    """No release turns ContainerStopSignals on by default yet: newer knowledge data that does, shipped
    the way a user ships it ($WINKUBE_KNOWLEDGE_DIR), to test the rule for then."""
    import yaml

    from winkube.knowledge import load
    from winkube.rules.admission import _common

    data = copy.deepcopy(_common.facts())
    data["gates"]["ContainerStopSignals"].append({"since": "1.37", "default": True, "source": "test"})
    (tmp_path / f"{_common.DATA_FILE}").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("WINKUBE_KNOWLEDGE_DIR", str(tmp_path))
    load.cache_clear()
    assert _common.gate_enabled("ContainerStopSignals", (1, 37))
    yield
    monkeypatch.delenv("WINKUBE_KNOWLEDGE_DIR")
    load.cache_clear()


def test_stop_signal_when_the_gate_defaults_on(stop_signals_default_on):
    spec = {"initContainers": [ctr(name="i", restartPolicy="Always", lifecycle={"stopSignal": "SIGUSR1"}),
                               ctr(name="j", lifecycle={"stopSignal": "SIGUSR1"})],
            "containers": [ctr(lifecycle={"stopSignal": "SIGTERM"})]}
    assert run(pod(spec), "stop-signal-os") == {("spec.initContainers[0].lifecycle.stopSignal", "Forbidden"),
                                               ("spec.containers[0].lifecycle.stopSignal", "Forbidden")}
    assert run(pod({"os": WIN, **spec}), "stop-signal-os", messages=True) == {
        ("spec.initContainers[0].lifecycle.stopSignal", "NotSupported", 'supported values: "SIGKILL", "SIGTERM"')}
    assert run(pod({"os": LINUX, **spec}), "stop-signal-os") == set()
    assert run(pod({"os": {"name": "darwin"}, **spec}), "stop-signal-os") == set()
