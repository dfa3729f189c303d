"""The real control plane's fixtures (tests/harness/fixtures.py) for every test directory:
audit, plan and the webhook are tested against the same servers as the admission rules."""

pytest_plugins = ["harness.fixtures"]

import pytest


@pytest.fixture
def server_outside_range(tmp_path):
    """A knowledge directory ($WINKUBE_KNOWLEDGE_DIR, as a user ships newer data: no mock) whose
    newest release is one older than the shipped one, so the real control plane (the shipped newest
    release) is outside the range. Gives (directory, the server's release, the newest encoded
    release, the sentence winkube must say about it)."""
    from pathlib import Path

    import yaml

    from winkube.k8s import releases

    api = yaml.safe_load((Path(releases.__file__).parents[1] / "knowledge" / "api_validation.yaml").read_text())
    newest = api["releases"]["max"]
    older = f"1.{int(newest.split('.')[1]) - 1}"
    api["releases"]["max"] = older
    d = tmp_path / "knowledge-one-release-older"
    d.mkdir()
    (d / "api_validation.yaml").write_text(yaml.safe_dump(api, sort_keys=False))
    note = (f"the server runs Kubernetes {newest}, outside the releases winkube's rules cover "
            f"({api['releases']['min']}–{older}): the rules of {older} apply")
    return d, newest, older, note
