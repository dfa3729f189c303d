"""The validating decision and its configuration, in-process against a --profile style profile."""
from __future__ import annotations

import copy

import pytest

from winkube.config import ConfigError
from winkube.model.profile import default_profile, profile_from_dict
from winkube.webhook.policy import Policy, policy_from_dict
from winkube.webhook.review import parse, validate
from winkube.webhook.state import Knowledge

from .whkit import LINUX_IMAGE, PLAIN_IMAGE, WIN2019_IMAGE, WIN_IMAGE, deployment, pod, review
import json

WIN_TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}


def knowledge(policy: Policy | None = None, profile=None) -> Knowledge:
    if profile is None:
        profile = default_profile()
        profile.assumed = False  # as if given with --profile
    return Knowledge(policy or Policy(), profile)


def decide(obj, k=None, **kw):
    k = k or knowledge()
    return validate(parse(json.dumps(review(obj, **kw)).encode()), k, {})


def test_certain_failure_is_denied_and_the_rest_warned():
    d = decide(pod())
    assert not d.allowed and d.verdict == "deny"
    assert d.message.startswith("winkube: Pod default/p would fail on every node it can land on (linux (linux/amd64): ")
    assert [(f.rule, a) for f, a in d.findings] == [("set-os-name", "warn"), ("windows-pod-can-land-on-linux", "deny")]
    assert d.audit() == {"decision": "deny", "findings": "set-os-name:warn,windows-pod-can-land-on-linux:deny"}


def test_embedded_default_profile_never_denies():
    k = knowledge(profile=default_profile())  # assumed pools: a guess is not certainty
    d = decide(pod(), k)
    assert d.allowed and any("windows-pod-can-land-on-linux" in w for w in d.warnings)


def test_admission_stage_findings_are_left_to_the_api_server():
    d = decide(pod(os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOL],
                   securityContext={"runAsUser": 1}))
    assert d.allowed
    assert all(f.stage.value != "admission" for f, _ in d.findings)


def test_actions_and_rule_settings_from_the_configuration():
    p = policy_from_dict({"rules": {"set-os-name": "off"}, "actions": {"windows-pod-can-land-on-linux": "warn",
                                                                       "no-os-targeting": "deny"}}, "t.yaml")
    d = decide(pod(), knowledge(p))
    assert d.allowed and [f.rule for f, _ in d.findings] == ["windows-pod-can-land-on-linux"]
    d = decide(pod(image=PLAIN_IMAGE, tolerations=[WIN_TOL]), knowledge(p))
    assert not d.allowed and "is denied by the webhook configuration" in d.message and "[no-os-targeting]" in d.message
    p = policy_from_dict({"denyCertain": False}, "t.yaml")
    assert decide(pod(), knowledge(p)).allowed


def test_workload_kinds_use_template_paths():
    for obj, group in ((deployment(), "apps"),):
        d = decide(obj, group=group)
        assert not d.allowed and "spec.template.spec.nodeSelector" in d.message
    cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"}, "spec": {"schedule": "* * * * *",
          "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": WIN_IMAGE}]}}}}}}
    d = decide(cj, group="batch")
    assert not d.allowed and "spec.jobTemplate.spec.template.spec.nodeSelector" in d.message


def test_update_is_not_blocked_by_what_the_object_already_had():
    old = pod()
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"a": "b"}
    d = decide(new, operation="UPDATE", old=old)
    assert d.allowed and any("windows-pod-can-land-on-linux" in w for w in d.warnings)
    lin = pod(image=LINUX_IMAGE, nodeSelector={"kubernetes.io/os": "linux"})
    changed = copy.deepcopy(lin)
    changed["spec"]["containers"][0]["image"] = WIN_IMAGE
    assert not decide(changed, operation="UPDATE", old=lin).allowed


def test_ephemeral_containers_judge_only_what_the_debug_container_adds():
    base = pod(image=PLAIN_IMAGE, tolerations=[WIN_TOL])  # pre-existing warning: no-os-targeting
    new = copy.deepcopy(base)
    new["spec"]["ephemeralContainers"] = [{"name": "dbg", "image": PLAIN_IMAGE}]
    d = decide(new, operation="UPDATE", old=base, sub_resource="ephemeralcontainers")
    assert d.allowed and d.warnings == []


def test_exclusions_and_kinds_without_pods():
    p = policy_from_dict({"exclude": {"namespaces": ["legacy"], "labels": {"team": "*"}}}, "t.yaml")
    assert decide(pod(), knowledge(p), namespace="legacy").verdict == "skipped"
    lab = pod()
    lab["metadata"]["labels"] = {"team": "x"}
    assert decide(lab, knowledge(p)).verdict == "skipped"
    dep = deployment()
    dep["spec"]["template"]["metadata"]["labels"]["team"] = "y"  # the pod template's labels count too
    assert decide(dep, knowledge(p), group="apps").verdict == "skipped"
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
    assert decide(svc).verdict == "skipped"
    assert decide(pod(), operation="DELETE").verdict == "skipped"
    assert decide(pod(), sub_resource="status").verdict == "skipped"


def test_dry_run_is_answered_like_any_other_request():
    a, b = decide(pod(), dry_run=True), decide(pod())
    assert (a.allowed, a.message, a.warnings) == (b.allowed, b.message, b.warnings)


def test_warnings_are_single_printable_lines_of_bounded_length():
    p = pod(image=WIN2019_IMAGE, nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOL],
            hostNetwork=True, hostPID=True)
    p["spec"]["containers"][0]["command"] = ["/bin/sh", "-c", "echo\n\tx"]
    d = decide(p, knowledge(policy_from_dict({"denyCertain": False}, "t")))
    assert d.warnings
    for w in d.warnings:
        assert len(w) <= 256 and w.isprintable()


@pytest.mark.parametrize("data, message", [
    ({"actions": {"set-os-name": "block"}}, "expected deny, warn or off"),
    ({"actions": {"no-such-rule": "deny"}}, "unknown rule"),
    ({"exclude": {"namespace": ["x"]}}, "exclude: expected a mapping"),
    ({"images": {"timeout": 0}}, "images.timeout"),
    ({"mutate": {"linux": "yes"}}, "mutate.linux: expected true or false"),
    ({"denyCertain": "yes"}, "denyCertain"),
    ({"rule": {}}, "unknown key 'rule' (did you mean 'rules'?)"),
])
def test_configuration_errors_name_the_key(data, message):
    from winkube.rules import all_rules
    with pytest.raises(ConfigError) as e:
        policy_from_dict(data, "webhook.yaml", known_rules=all_rules())
    assert message in str(e.value) and str(e.value).startswith("webhook.yaml: ")


def test_yaml_off_is_read_as_off(tmp_path):
    from winkube.webhook.policy import load_policy
    f = tmp_path / "w.yaml"
    f.write_text("actions:\n  set-os-name: off\nrules:\n  no-os-targeting: off\n")
    p = load_policy(f)
    assert p.actions == {"set-os-name": "off"} and p.rules == {"no-os-targeting": None}


def test_live_like_profile_from_nodes_denies_build_mismatch():
    prof = profile_from_dict({"nodePools": [
        {"name": "lin", "os": "linux"},
        {"name": "w22", "os": "windows", "windowsBuild": "10.0.20348", "taints": [{"key": "os", "value": "windows", "effect": "NoSchedule"}]},
    ]}, "p.yaml")
    d = decide(pod(image=WIN2019_IMAGE, os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows"},
                   tolerations=[WIN_TOL]), knowledge(profile=prof))
    assert not d.allowed and "[image-build-unsupported]" in d.message  # 1.37: no supported Windows Server runs 2019


def test_decision_cache_hits_replicas_and_never_serves_another_profile():
    k = knowledge()

    def replica(suffix, image=WIN_IMAGE):
        p = pod(image=image, nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOL])
        p["metadata"]["name"] = f"web-{suffix}"
        p["spec"]["volumes"] = [{"name": f"kube-api-access-{suffix}", "projected": {"sources": []}}]
        p["spec"]["containers"][0]["volumeMounts"] = [{"name": f"kube-api-access-{suffix}", "mountPath": "/var/run/secrets"}]
        return p

    a = decide(replica("abcde"), k)
    hits = k.decisions.hits
    b = decide(replica("x1y2z"), k)
    assert k.decisions.hits == hits + 1  # the pods of one ReplicaSet differ only in that volume name
    assert (a.allowed, a.warnings) == (b.allowed, b.warnings)
    decide(replica("x1y2z", image=WIN2019_IMAGE), k)
    assert k.decisions.hits == hits + 1  # another spec: computed
    # a new profile (the live watch saw a node change): nothing from the old one is reused
    prof = default_profile()
    prof.assumed = False
    k.set_profile(prof)
    decide(replica("abcde"), k)
    assert k.decisions.hits == hits + 1
    # equal bytes => equal values: True and 1, "1" and 1 never share a key
    a1, a2 = pod(), pod()
    a1["spec"]["hostNetwork"], a2["spec"]["hostNetwork"] = True, 1
    assert k.decisions.key(k.engine, a1, {}) != k.decisions.key(k.engine, a2, {})
