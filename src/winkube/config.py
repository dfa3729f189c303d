"""`.winkube.yaml`: per-project settings, found by walking up from the working directory.

winkube looks for `.winkube.yaml` in the working directory, then in each parent directory up to
the filesystem root, and uses the first one it finds. Every key is optional:

```yaml
rules:            # per rule id: off | error | warning | info
  windows-forbidden-field: error
  some-rule: off
failOn: error     # error | warning | info | none — the lowest severity that makes the exit code 1
profile: path/to/profile.yaml    # cluster profile, relative to the config file
platform: aks                    # or a platform profile: aks eks gke openshift rke2 capz kubeadm (not with profile)
kubeVersion: "1.37"              # quote it: unquoted 1.30 is the number 1.3
exclude: ["vendor/**", "charts/*/templates/**"]   # files to skip, relative to the config file
```

- `rules` turns a rule off or changes the severity of its findings (the rule's stage never changes).
- `exclude` patterns are globs matched against the path of a file relative to the directory of
  the config file: `*` and `?` stay within one path segment, `**` spans any number of segments,
  and a pattern that matches a directory excludes everything under it (`vendor` = `vendor/**`).
- Unknown keys and bad values are a `ConfigError` whose message names the file and the key.

docs/configuration.md describes the same format for users; keep the two in step.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from collections.abc import Iterable
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from .errors import ConfigError
from .k8s.versions import parse_kube_version
from .model.finding import Finding, Severity
from .record import Record

if TYPE_CHECKING:  # pathlib (with urllib.parse and ipaddress) is imported only when a config file is read
    from typing import Any
    from pathlib import Path

CONFIG_NAME = ".winkube.yaml"
KEYS = ("rules", "failOn", "profile", "platform", "kubeVersion", "exclude")
_SEVERITIES = ", ".join(s.value for s in Severity)




class Config(Record):
    __slots__ = ("path", "rules", "fail_on", "profile", "platform", "kube_version", "exclude")

    def __init__(self, path: Path | None = None, rules: dict[str, Severity | None] | None = None,
                 fail_on: Severity | None = Severity.ERROR, profile: Path | None = None, platform: str | None = None,
                 kube_version: str | None = None, exclude: tuple[str, ...] = ()):
        self.path = path  # the file read; None for the defaults
        self.rules = {} if rules is None else rules  # None: the rule is off
        self.fail_on = fail_on  # None: never fail on findings ("none")
        self.profile = profile  # absolute
        self.platform = platform  # a platform profile's name (aks, eks, ...), when no profile file is given
        self.kube_version = kube_version  # "1.37" (a leading "v" removed)
        self.exclude = exclude

    @property
    def _exclude_re(self) -> tuple[re.Pattern[str], ...]:
        return _compiled_globs(tuple(self.exclude))

    @property
    def root(self) -> Path:
        """The directory exclude patterns and the profile are relative to."""
        from pathlib import Path

        return self.path.parent if self.path is not None else Path.cwd()

    def apply(self, finding: Finding) -> Finding | None:
        """The finding as configured: None when its rule is off, else with the configured severity."""
        if finding.rule not in self.rules:
            return finding
        severity = self.rules[finding.rule]
        if severity is None:
            return None
        if severity == finding.severity:
            return finding
        return finding.replace(severity=severity)

    def fails(self, findings: Iterable[Finding]) -> bool:
        """Whether any finding is at or above the failOn threshold."""
        if self.fail_on is None:
            return False
        return any(Severity(f.severity).rank >= self.fail_on.rank for f in findings)

    def is_excluded(self, file: str | os.PathLike[str]) -> bool:
        """Whether `file` (as given on the command line, relative to the working directory or
        absolute) matches an exclude pattern. Files outside the config's directory never do."""
        if not self._exclude_re:
            return False
        from pathlib import Path

        absolute = Path(os.path.abspath(file))
        try:
            rel = absolute.relative_to(os.path.abspath(self.root))
        except ValueError:
            return False
        parts = rel.parts
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(rx.fullmatch(c) for rx in self._exclude_re for c in candidates)


@lru_cache(maxsize=64)
def _compiled_globs(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Exclude patterns compiled once per process (is_excluded runs for every file of a walk)."""
    return tuple(re.compile(glob_to_regex(p)) for p in patterns)


def glob_to_regex(pattern: str) -> str:
    """A glob over `/`-separated paths as a regex: `*`, `?`, `[...]` within a segment, `**` across."""
    pat = pattern.replace("\\", "/").strip("/")
    while pat.startswith("./"):
        pat = pat[2:]
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i) and (i == 0 or pat[i - 1] == "/"):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pat.startswith("**", i) and (i == 0 or pat[i - 1] == "/") and i + 2 == n:
            out.append(".*")
            i += 2
        elif c == "*":
            while i < n and pat[i] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 2 if pat[i + 1 : i + 2] in ("!", "^") else i + 1)
            if j == -1:
                out.append(re.escape(c))
                i += 1
                continue
            body = pat[i + 1 : j]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            body = body.replace("\\", "\\\\").replace("/", "")
            out.append(f"[{body}]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def find_config(start: Path) -> Path | None:
    """The nearest `.winkube.yaml` in `start` (a directory, or a file's directory) or a parent."""
    here = os.path.abspath(start)  # os.path: most runs find no config, and need no pathlib
    if os.path.isfile(here):
        here = os.path.dirname(here)
    while True:
        candidate = os.path.join(here, CONFIG_NAME)
        if os.path.isfile(candidate):
            from pathlib import Path

            return Path(candidate)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _load_yaml(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def load_config(path: str | os.PathLike[str], *, known_rules: Iterable[str] | None = None) -> Config:
    """Read and check a config file. With `known_rules`, a rule id that is not one is an error."""
    from pathlib import Path

    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        data = _load_yaml(text)
    except Exception as exc:  # yaml.YAMLError, and anything libyaml may raise on bad input
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        loc = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark is not None else where
        raise ConfigError(f"{loc}: not valid YAML: {problem}") from None
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of settings ({', '.join(KEYS)}), got {_kind(data)}")

    unknown = [k for k in data if k not in KEYS]
    if unknown:
        key = unknown[0]
        hint = _did_you_mean(str(key), KEYS)
        raise ConfigError(f"{where}: unknown key {key!r}{hint}; known keys: {', '.join(KEYS)}")

    cfg: dict[str, Any] = {"path": path}
    if data.get("rules") is not None:
        cfg["rules"] = _rules(where, data["rules"], known_rules)
    if "failOn" in data:
        cfg["fail_on"] = _fail_on(where, data["failOn"])
    if data.get("profile") is not None:
        cfg["profile"] = _profile(where, path, data["profile"])
    if data.get("platform") is not None:
        cfg["platform"] = _platform(where, data["platform"], data.get("profile"))
    if data.get("kubeVersion") is not None:
        cfg["kube_version"] = _kube_version(where, data["kubeVersion"])
    if data.get("exclude") is not None:
        cfg["exclude"] = _exclude(where, data["exclude"])
    return Config(**cfg)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return {dict: "a mapping", list: "a list"}.get(type(value), type(value).__name__)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rules(where: str, value: Any, known: Iterable[str] | None) -> dict[str, Severity | None]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: rules: expected a mapping of rule id to off | {_SEVERITIES.replace(', ', ' | ')}, got {_kind(value)}")
    known_set = set(known) if known is not None else None
    out: dict[str, Severity | None] = {}
    for rule_id, setting in value.items():
        if not isinstance(rule_id, str):
            raise ConfigError(f"{where}: rules: rule ids are strings, got {_kind(rule_id)}")
        if known_set is not None and rule_id not in known_set:
            raise ConfigError(f"{where}: rules.{rule_id}: {unknown_rule_message(rule_id, known_set)}")
        # YAML 1.1 reads an unquoted `off` (and `no`, `false`) as false.
        if setting is False or (isinstance(setting, str) and setting.strip().lower() == "off"):
            out[rule_id] = None
            continue
        sev = _severity(setting)
        if sev is None:
            raise ConfigError(f"{where}: rules.{rule_id}: expected off, {_SEVERITIES}; got {_kind(setting)}")
        out[rule_id] = sev
    return out


def _severity(value: Any) -> Severity | None:
    if isinstance(value, str):
        try:
            return Severity(value.strip().lower())
        except ValueError:
            return None
    return None


def _fail_on(where: str, value: Any) -> Severity | None:
    if value is False or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    sev = _severity(value)
    if sev is None:
        raise ConfigError(f"{where}: failOn: expected {_SEVERITIES} or none; got {_kind(value)}")
    return sev


def _profile(where: str, config_path: Path, value: Any) -> Path:
    from pathlib import Path

    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: profile: expected a file path, got {_kind(value)}")
    profile = Path(os.path.abspath(config_path.parent / os.path.expanduser(value)))
    if not profile.is_file():
        raise ConfigError(f"{where}: profile: {value!r} is not a file (looked for {profile})")
    return profile


def _platform(where: str, value: Any, profile: Any) -> str:
    from .model.platforms import names

    if profile is not None:
        raise ConfigError(f"{where}: platform and profile both given; keep one (a platform is a generated profile)")
    if not isinstance(value, str) or value not in names():
        hint = _did_you_mean(str(value), names())
        raise ConfigError(f"{where}: platform: {value!r} is not one of {', '.join(names())}{hint}")
    return value


def _kube_version(where: str, value: Any) -> str:
    if isinstance(value, float):
        raise ConfigError(
            f"{where}: kubeVersion: quote the version (kubeVersion: \"{value}\"): YAML reads an unquoted "
            f"{value} as a number, so 1.30 would become 1.3"
        )
    if not isinstance(value, str) or parse_kube_version(value) is None:
        raise ConfigError(f"{where}: kubeVersion: expected a Kubernetes version like \"1.37\", got {_kind(value)}")
    from .k8s import releases
    try:
        return releases.text(releases.require(value))  # the one range check, named after the file
    except releases.ReleaseError as e:
        raise ConfigError(f"{where}: kubeVersion: {e}") from None


def _exclude(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{where}: exclude: expected a list of glob patterns, got {_kind(value)}")
    for i, pattern in enumerate(value):
        if not isinstance(pattern, str) or not pattern.strip():
            raise ConfigError(f"{where}: exclude[{i}]: expected a glob pattern, got {_kind(pattern)}")
    return tuple(value)


def config_for(explicit: str | None, no_config: bool, start: Path | None = None,
               known_rules: Iterable[str] | None = None) -> Config | None:
    """The configuration a command uses: --config FILE, else .winkube.yaml found upward from the
    working directory, unless --no-config. Raises ConfigError (also for a rule id not in
    `known_rules`, which the front door passes: winkube.rules.rule_ids())."""
    if explicit:
        return load_config(explicit, known_rules=known_rules)
    if no_config:
        return None
    found = find_config(start or os.getcwd())
    return load_config(found, known_rules=known_rules) if found else None


def unknown_rule_message(rule_id: str, rules: Iterable[str]) -> str:
    """`unknown rule 'x'` with the closest known ids, for config errors, the ignore annotation
    and `winkube explain`."""
    import difflib

    close = difflib.get_close_matches(rule_id, list(rules), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "; `winkube rules` lists them"
    return f"unknown rule {rule_id!r}{hint}"


def check_rule_ids(flag: str, ids: Iterable[str], known: Iterable[str]) -> None:
    """ConfigError for the first id that is not a rule (`--disable windows-forbiden-field`)."""
    known = set(known)
    for rule_id in ids:
        if rule_id not in known:
            raise ConfigError(f"{flag} {rule_id}: {unknown_rule_message(rule_id, known)}")


def rule_filter(config: Config | None, disabled: Iterable[str] = (), enabled: Iterable[str] = (),
                known_rules: Iterable[str] | None = None):
    """The engine's filter for rules turned off (--disable, the file) and severity overrides, or None.
    --enable turns back on a rule the file turns off. With `known_rules`, an unknown id in
    --disable/--enable is a ConfigError."""
    off, on = set(disabled), set(enabled)
    if known_rules is not None:
        check_rule_ids("--disable", sorted(off), known_rules)
        check_rule_ids("--enable", sorted(on), known_rules)
    both = off & on
    if both:
        raise ConfigError(f"--disable and --enable both name {', '.join(sorted(both))}")
    if config is None and not off:
        return None

    def apply(finding: Finding) -> Finding | None:
        if finding.rule in off:
            return None
        if config is None:
            return finding
        if finding.rule in on and config.rules.get(finding.rule, finding.severity) is None:
            return finding  # the file turns it off, the command line back on, at its own severity
        return config.apply(finding)

    return apply


# The same checks read the webhook's policy file (webhook/policy.py): public names for them.
did_you_mean = _did_you_mean
type_name = _kind
load_yaml = _load_yaml
rule_settings = _rules
