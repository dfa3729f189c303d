"""Shared pieces of the admission-stage rules: the version data, Go-decode "is it set" semantics,
the spec.os state, the windowsOptions content validators and the effective-hostProcess count.

Everything mirrors k8s.io/kubernetes pkg/apis/core/validation/validation.go (read at v1.34.4,
v1.35.4, v1.36.3, v1.37.2). Values of the wrong JSON type are a decode error in the API server,
not a validation error: every helper here treats them as absent and never raises.
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterator
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any


from ...k8s import versions
from ...knowledge import load
from ...model.podview import ContainerRef, PodView, as_dict

DATA_FILE = "api_validation.yaml"
SRC_VALIDATION = "kubernetes/kubernetes pkg/apis/core/validation/validation.go"
SRC_UTIL = "kubernetes/kubernetes pkg/api/pod/util.go"


# --------------------------------------------------------------------------- data

def facts() -> dict:
    """knowledge/api_validation.yaml, parsed once (read-only)."""
    return load(DATA_FILE.removesuffix(".yaml"))


@lru_cache(maxsize=256)
def parse_version(v) -> tuple[int, int]:
    """A knowledge row's `since` ("1.30") as a release; a row that names none is a broken data file."""
    version = versions.parse_kube_version(v)
    if version is None:
        raise ValueError(f"knowledge/{DATA_FILE}: not a Kubernetes release: {v!r}")
    return version


def _rows_for(rows: list[dict], version: tuple[int, int]) -> dict | None:
    """The last row whose `since` is <= version (rows are in release order)."""
    found = None
    for row in rows:
        if parse_version(row["since"]) <= tuple(version):
            found = row
    return found


def gate_enabled(gate: str | None, version: tuple[int, int]) -> bool:
    """The gate's default in that release (None = ungated = on; unknown release/gate = off)."""
    if not gate:
        return True
    row = _rows_for(facts()["gates"].get(gate, []), version)
    return bool(row and row["default"])


def field_active(row: dict, version: tuple[int, int]) -> bool:
    """Does the field exist in that release's API and survive dropDisabledFields?"""
    return parse_version(row["since"]) <= tuple(version) and gate_enabled(row.get("gate"), version)


def check_active(name: str, version: tuple[int, int]) -> bool:
    f = facts()
    key = (name, tuple(version))
    got = _ACTIVE.get(key)
    if got is not None and got[0] is f:  # answered for these very facts (a reload makes new ones)
        return got[1]
    c = f["checks"][name]
    active = parse_version(c["since"]) <= tuple(version) and gate_enabled(c.get("gate"), version)
    _ACTIVE[key] = (f, active)
    return active


_ACTIVE: dict[tuple, tuple] = {}  # (check, release) -> (the facts read, active?): asked once per pod


def os_name_required_detail(version: tuple[int, int]) -> str:
    row = _rows_for(facts()["checks"]["os_name_required_detail"], version)
    return row["detail"] if row else ""


# --------------------------------------------------------------------------- Go decode semantics

_JSON_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}


def typed(value: Any, json_type: str) -> bool:
    """True when value decodes into the Go field (null = nil pointer/slice = not set)."""
    return value is not None and _JSON_TYPES[json_type](value)


def get_in(obj: Any, path) -> Any:
    cur = obj
    for seg in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(seg)
    return cur


def is_set(obj: dict, path, when: str, json_type: str) -> bool:
    """The Go test of validateWindows for one field: != nil / == true / len > 0."""
    return value_set(get_in(obj, path), when, json_type)


def value_set(value: Any, when: str, json_type: str) -> bool:
    """is_set's test on the field's value (None: absent)."""
    if not typed(value, json_type):
        return False
    if when == "true":
        return value is True
    if when == "nonempty":
        return len(value) > 0
    return True  # present


def opt_bool(d: dict, key: str) -> bool | None:
    """A *bool field: None when absent, null or not a boolean."""
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, bool) else None


def opt_str(d: dict, key: str) -> str | None:
    """A *string field: None when absent, null or not a string."""
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, str) else None


def utf8_len(s: str) -> int:
    """Go's len(string): bytes of UTF-8 (lone surrogates, which Go decodes to U+FFFD, count 3)."""
    return len(s.encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- spec.os

def os_spec(view: PodView) -> dict | None:
    """spec.os as Go sees it: None for absent/null (nil pointer), the mapping otherwise.
    A non-mapping value is a decode error: treated as absent."""
    v = view.spec.get("os")
    return v if isinstance(v, dict) else None


def os_name_of(view: PodView) -> str | None:
    """The validated OS: "linux" / "windows" when spec.os is present and valid, else None.
    (validateOS errors suppress validateLinux/validateWindows entirely.)"""
    os_ = os_spec(view)
    if os_ is None:
        return None
    name = os_.get("name")
    if name is None:
        name = ""
    if not isinstance(name, str):
        return None
    return name if name in ("linux", "windows") else None


# --------------------------------------------------------------------------- preconditions (Rule.applies)

def has_os(ctx) -> bool:
    """spec.os is set (an object): the spec.os rules have nothing to check without it."""
    return os_spec(ctx.view) is not None


def has_windows_options(ctx) -> bool:
    """Some securityContext.windowsOptions (the pod's or a container's) is an object: without one the
    windowsOptions content rules and the hostProcess rules have nothing to check (hostProcess is
    read only from there)."""
    view = ctx.view
    if isinstance(view.security_context.get("windowsOptions"), dict):
        return True
    for c in view.containers():
        if isinstance(c.security_context.get("windowsOptions"), dict):
            return True
    return False


# --------------------------------------------------------------------------- windowsOptions

def windows_options(view: PodView) -> Iterator[tuple[tuple, dict]]:
    """(path of windowsOptions, mapping) for the pod and each container that sets it (non-null object).
    Order: pod level, then init, regular, ephemeral containers (sets are compared anyway)."""
    wo = view.security_context.get("windowsOptions")
    if isinstance(wo, dict):
        yield view.path("securityContext", "windowsOptions"), wo
    for c in view.containers():
        wo = c.security_context.get("windowsOptions")
        if isinstance(wo, dict):
            yield c.path + ("securityContext", "windowsOptions"), wo


# dns1123SubdomainFmt of k8s.io/apimachinery/pkg/util/validation (ASCII only).
DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_RE = re.compile(DNS1123_SUBDOMAIN_FMT)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
    + DNS1123_SUBDOMAIN_FMT + "')"
)


def is_dns1123_subdomain(value: str) -> list[str]:
    """validation.IsDNS1123Subdomain: each failing check is one message."""
    errs = []
    if utf8_len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(DNS1123_SUBDOMAIN_MSG)
    return errs


MAX_GMSA_SPEC_BYTES = 64 * 1024


def validate_gmsa_credential_spec(value: str) -> list[str]:
    n = utf8_len(value)
    if n == 0:
        return ["gmsaCredentialSpec cannot be an empty string"]
    if n > MAX_GMSA_SPEC_BYTES:
        return ["gmsaCredentialSpec size must be under 64 KiB"]
    return []


# RE2 [[:cntrl:]] is ASCII only: 0x00-0x1F and 0x7F.
_CTRL_RE = re.compile("[\x00-\x1f\x7f]")
# ^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$ — runes; Python str indexes code points, negated classes match \n.
_NETBIOS_RE = re.compile(r'[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}')
_DNS_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_DNS_DOMAIN_RE = re.compile(rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*")
_USER_BAD_CHARS_RE = re.compile(r'["/\\:;|=,+*?<>@\[\]]')
_USER_DOTS_SPACES_RE = re.compile(r"[. ]+")


def validate_run_as_user_name(value: str) -> list[str]:
    """validateWindowsSecurityContextOptions, RunAsUserName branch: the detail of every Invalid error."""
    if utf8_len(value) == 0:
        return ["runAsUserName cannot be an empty string"]
    if _CTRL_RE.search(value):
        return ["runAsUserName cannot contain control characters"]
    parts = value.split("\\")
    if len(parts) > 2:
        return ["runAsUserName cannot contain more than one backslash"]
    has_domain = len(parts) == 2
    domain, user = (parts[0], parts[1]) if has_domain else ("", parts[0])
    errs = []
    if utf8_len(domain) >= 256:
        errs.append("runAsUserName's Domain length must be under 256 characters")
    if has_domain and not (_NETBIOS_RE.fullmatch(domain) or _DNS_DOMAIN_RE.fullmatch(domain)):
        errs.append("runAsUserName's Domain doesn't match the NetBios nor the DNS format")
    n = utf8_len(user)
    if n == 0:
        errs.append("runAsUserName's User cannot be empty")
    elif n > 104:
        errs.append("runAsUserName's User length must not be longer than 104 characters")
    if _USER_DOTS_SPACES_RE.fullmatch(user):
        errs.append("runAsUserName's User cannot contain only periods or spaces")
    if _USER_BAD_CHARS_RE.search(user):
        errs.append('runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]')
    return errs


# --------------------------------------------------------------------------- hostProcess

def pod_host_process(view: PodView) -> bool | None:
    return opt_bool(as_dict(view.security_context.get("windowsOptions")), "hostProcess")


def container_host_process(c: ContainerRef) -> bool | None:
    return opt_bool(as_dict(c.security_context.get("windowsOptions")), "hostProcess")


def host_process_counts(view: PodView) -> tuple[int, int]:
    """(all containers, containers whose effective hostProcess is true), as validateWindowsHostProcessPod
    counts them over init, regular and ephemeral containers."""
    pod_hp = pod_host_process(view)
    total = hp = 0
    for c in view.containers():
        total += 1
        own = container_host_process(c)
        if own is True or (own is None and pod_hp is True):
            hp += 1
    return total, hp
