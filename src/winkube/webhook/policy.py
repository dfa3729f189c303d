"""The webhook's configuration file (docs/webhook.md): the `rules:` of .winkube.yaml plus
`actions:`, exclusions and mutation switches.

```yaml
rules:                    # as in .winkube.yaml: rule id -> off | error | warning | info
  set-os-name: off
actions:                  # rule id -> deny | warn | off  (overrides the defaults below)
  image-build-incompatible: deny
denyCertain: true         # deny error findings of a pod certain to fail on every node it can land on
exclude:
  namespaces: [kube-system, winkube-system]
  labels: {winkube.io/skip: "true"}     # object or pod-template labels ("*" matches any value)
mutate:
  windowsBuild: true      # add node.kubernetes.io/windows-build when only some Windows builds run the images
  runtimeClass: true      # prefer a matching RuntimeClass over selectors + tolerations
  linux: true             # kubernetes.io/os: linux on pods with only Linux images and no OS targeting
images:
  resolve: false          # read image platforms from registries (with the on-disk cache)
  timeout: 1.0            # seconds per review; then tag conventions, and a warning says so
```

Default actions: findings of stage `admission` are off (the API server rejects those itself);
error findings of stages scheduling, kubelet and runtime on a pod that fails on every node pool it
can land on are denied (`denyCertain`); everything else is a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError, did_you_mean, load_yaml, rule_settings, type_name
from ..model.finding import Finding, Severity, Stage

ACTIONS = ("deny", "warn", "off")
KEYS = ("rules", "actions", "denyCertain", "exclude", "mutate", "images")
DEFAULT_EXCLUDED_NAMESPACES = ("kube-system",)


@dataclass(slots=True)
class Policy:
    rules: dict[str, Severity | None] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    deny_certain: bool = True
    exclude_namespaces: frozenset[str] = frozenset(DEFAULT_EXCLUDED_NAMESPACES)
    exclude_labels: dict[str, str] = field(default_factory=dict)
    mutate_windows_build: bool = True
    mutate_runtime_class: bool = True
    mutate_linux: bool = True
    resolve_images: bool = False
    image_timeout: float = 1.0
    source: str = "defaults"

    def rule_filter(self, f: Finding) -> Finding | None:
        if f.rule not in self.rules:
            return f
        sev = self.rules[f.rule]
        if sev is None:
            return None
        if sev != f.severity:
            f.severity = sev
        return f

    def action(self, f: Finding, certain: bool) -> str:
        explicit = self.actions.get(f.rule)
        if explicit is not None:
            return explicit
        if f.stage is Stage.ADMISSION:
            return "off"  # the API server denies these itself, with the same field paths
        if certain and self.deny_certain and f.severity is Severity.ERROR and \
                f.stage in (Stage.SCHEDULING, Stage.KUBELET, Stage.RUNTIME):
            return "deny"
        return "warn"

    def excluded(self, namespace: str | None, labels_list: list[dict]) -> str | None:
        """Why the object is skipped, or None."""
        if namespace and namespace in self.exclude_namespaces:
            return f"namespace {namespace} is excluded"
        for labels in labels_list:
            for k, v in self.exclude_labels.items():
                if k in labels and (v == "*" or str(labels[k]) == v):
                    return f"label {k}={labels[k]} is excluded"
        return None


def _bool(where: str, key: str, value) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key}: expected true or false, got {type_name(value)}")
    return value


def policy_from_dict(data, where: str, known_rules=None) -> Policy:
    if data is None:
        return Policy(source=where)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping ({', '.join(KEYS)}), got {type_name(data)}")
    for k in data:
        if k not in KEYS:
            raise ConfigError(f"{where}: unknown key {k!r}{did_you_mean(str(k), KEYS)}; known keys: {', '.join(KEYS)}")
    p = Policy(source=where)
    if data.get("rules") is not None:
        p.rules = rule_settings(where, data["rules"], known_rules)
    acts = data.get("actions")
    if acts is not None:
        if not isinstance(acts, dict):
            raise ConfigError(f"{where}: actions: expected a mapping of rule id to deny | warn | off, got {type_name(acts)}")
        known = set(known_rules) if known_rules is not None else None
        for rid, a in acts.items():
            if a is False:  # YAML 1.1: unquoted off
                a = "off"
            if not isinstance(rid, str) or (known is not None and rid not in known):
                raise ConfigError(f"{where}: actions.{rid}: unknown rule{did_you_mean(str(rid), known or ())}; `winkube rules` lists them")
            if not isinstance(a, str) or a.strip().lower() not in ACTIONS:
                raise ConfigError(f"{where}: actions.{rid}: expected deny, warn or off; got {type_name(a)}")
            p.actions[rid] = a.strip().lower()
    if "denyCertain" in data:
        p.deny_certain = _bool(where, "denyCertain", data["denyCertain"])
    ex = data.get("exclude")
    if ex is not None:
        if not isinstance(ex, dict) or set(ex) - {"namespaces", "labels"}:
            raise ConfigError(f"{where}: exclude: expected a mapping with namespaces (a list) and labels (a mapping)")
        ns = ex.get("namespaces", list(DEFAULT_EXCLUDED_NAMESPACES))
        if not isinstance(ns, list) or not all(isinstance(n, str) for n in ns):
            raise ConfigError(f"{where}: exclude.namespaces: expected a list of namespace names")
        p.exclude_namespaces = frozenset(ns)
        labels = ex.get("labels") or {}
        if not isinstance(labels, dict):
            raise ConfigError(f"{where}: exclude.labels: expected a mapping of label key to value (\"*\": any)")
        p.exclude_labels = {str(k): str(v) for k, v in labels.items()}
    mu = data.get("mutate")
    if mu is not None:
        if not isinstance(mu, dict) or set(mu) - {"windowsBuild", "runtimeClass", "linux"}:
            raise ConfigError(f"{where}: mutate: expected a mapping with windowsBuild, runtimeClass, linux (true/false)")
        p.mutate_windows_build = _bool(where, "mutate.windowsBuild", mu.get("windowsBuild", True))
        p.mutate_runtime_class = _bool(where, "mutate.runtimeClass", mu.get("runtimeClass", True))
        p.mutate_linux = _bool(where, "mutate.linux", mu.get("linux", True))
    im = data.get("images")
    if im is not None:
        if not isinstance(im, dict) or set(im) - {"resolve", "timeout"}:
            raise ConfigError(f"{where}: images: expected a mapping with resolve (true/false) and timeout (seconds)")
        p.resolve_images = _bool(where, "images.resolve", im.get("resolve", False))
        t = im.get("timeout", 1.0)
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 10:
            raise ConfigError(f"{where}: images.timeout: expected seconds between 0 and 10, got {type_name(t)}")
        p.image_timeout = float(t)
    return p


def load_policy(path: str | Path) -> Policy:
    from ..rules import all_rules

    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{where}: cannot read: {e.strerror or e}") from None
    try:
        data = load_yaml(text)
    except Exception as e:  # noqa: BLE001 - yaml errors become a ConfigError
        mark = getattr(e, "problem_mark", None)
        loc = f"{where}:{mark.line + 1}" if mark is not None else where
        raise ConfigError(f"{loc}: not valid YAML") from None
    return policy_from_dict(data, where, known_rules=all_rules())
