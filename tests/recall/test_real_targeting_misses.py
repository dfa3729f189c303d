"""The targeting misses of issue 12 ("Why"), each on a real manifest published by others
(tests/data/real-why/targeting: byte-exact, repository, path, lines, commit and licence in
SOURCES.tsv, every finding reviewed in REVIEW.md), and the F1 false finding of the grown corpus.

The findings asserted are the exact ones (rule, field path, severity, and for an unseen label the
label named), with the embedded default profile and with the platform profile the manifest was
written for."""
from __future__ import annotations

from pathlib import Path

import yaml
from rules.lintkit import findings

from winkube.model.podview import pod_view
from winkube.model.profile import default_profile
from winkube.targeting import resolve

DATA = Path(__file__).parent.parent / "data"
GROWN = DATA / "corpus-grown"


def docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


def test_windows_options_that_ask_for_nothing_are_no_windows_intent():
    # F1: kyverno/policies disallow-host-process fixture (grown corpus, held out): 12 pods whose only
    # Windows sign is windowsOptions.hostProcess: false were taken for Windows pods (60 false findings)
    objs = docs(GROWN / "kyverno__policies__pod-security__baseline__disallow-host-process__.kyverno-test__resource.yaml")
    only_false = [o for o in objs if "hostProcess: false" in yaml.safe_dump(o) and "hostProcess: true" not in yaml.safe_dump(o)]
    assert len(only_false) == 12
    windows_rules = {"set-os-name", "windows-pod-can-land-on-linux", "host-network-without-host-process",
                     "windows-container-without-requests"}
    for o in only_false:
        assert resolve(pod_view(o), default_profile()).os_intent is None, o["metadata"]["name"]
        assert not [f for f in findings(o) if f.rule in windows_rules], o["metadata"]["name"]
    # the fixture's pods that do ask for a HostProcess container stay Windows pods
    host_process = [o for o in objs if "hostProcess: true" in yaml.safe_dump(o)]
    assert len(host_process) == 15
    for o in host_process:
        assert resolve(pod_view(o), default_profile()).os_intent == "windows"
        assert any(f.rule == "set-os-name" for f in findings(o))
