"""Every rule's own examples (the `fails` / `passes` manifests of its @rule declaration, shown in
docs/rules.md), run through the real engine as `winkube lint` reads them. One test per rule id:
`pytest tests/rules/test_rule_examples.py -k <rule-id>` finds a rule's test in one guess.

A `kind: ClusterProfile` document in an example is the profile it is judged against (what
`--profile FILE` gives on the command line); Node and RuntimeClass objects shape the profile as
they do on the command line.
"""
from __future__ import annotations

import pytest
import yaml

from winkube.engine import Engine, Options
from winkube.knowledge import load
from winkube.load.inputs import Source
from winkube.model.profile import default_profile, profile_from_dict
from winkube.rules import all_rules

RULES = all_rules()


def _gate_default_off_everywhere(gate: str) -> bool:
    rows = load("api_validation")["gates"][gate]
    return not rows[-1]["default"]


# Rules no offline manifest can trigger within the releases winkube encodes, each with the reason,
# which the test checks is still true (when it stops being true, the rule needs its examples).
NO_OFFLINE_EXAMPLE = {
    "stop-signal-os": (
        "lifecycle.stopSignal is dropped before validation while the alpha gate ContainerStopSignals is off by default",
        lambda: _gate_default_off_everywhere("ContainerStopSignals")),
    "image-index-selection": (
        "needs an image index read from a registry (--resolve-images): tests/registry/test_lint_resolve_images.py",
        lambda: True),
    "image-without-os-version": (
        "needs an image index read from a registry (--resolve-images): tests/rules/test_images_resolved.py",
        lambda: True),
}


def lint(text: str):
    docs = text.split("\n---\n")
    profiles = [d for d in docs if yaml.safe_load(d).get("kind") == "ClusterProfile"]
    profile = profile_from_dict(yaml.safe_load(profiles[0]), "example profile") if profiles else default_profile()
    rest = "\n---\n".join(d for d in docs if d not in profiles)
    return Engine(Options(profile=profile)).lint_sources([Source("example.yaml", rest, False)], [])


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_example(rule_id):
    r = RULES[rule_id]
    if rule_id in NO_OFFLINE_EXAMPLE:
        why, still_true = NO_OFFLINE_EXAMPLE[rule_id]
        assert r.no_example and not r.fails, f"{rule_id}: say why it has no example (no_example=) in its @rule"
        assert still_true(), f"{rule_id}: {why} — no longer true: give the rule its examples"
        return
    assert r.fails and r.passes, f"{rule_id} declares no fails/passes example in its @rule"
    bad = lint(r.fails)
    assert not bad.errors, [e.message for e in bad.errors]
    assert rule_id in {f.rule for f in bad.findings}, f"{rule_id}: its failing example is not reported"
    good = lint(r.passes)
    assert not good.errors, [e.message for e in good.errors]
    assert rule_id not in {f.rule for f in good.findings}, f"{rule_id}: its passing example is reported"
    assert good.objects >= 1
