"""The real control plane's fixtures (tests/harness/fixtures.py) for every test directory:
audit, plan and the webhook are tested against the same servers as the admission rules."""

pytest_plugins = ["harness.fixtures"]
