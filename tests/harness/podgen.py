"""Seeded generator of pod specs over every OS-dependent admission rule of kube-apiserver.

Randomness: our own `random.Random(seed)` per case (seed = base seed + case index), not
hypothesis: the objects must stay valid for every *non*-OS rule (so the server's verdict can be
compared exactly), which needs hand-written coupling between fields that strategies make awkward,
and a per-case seed makes every case reproducible on its own (`generate_case(seed, i)`).

What is covered (kube-apiserver v1.37 pkg/apis/core/validation/validation.go):
  validateOS            spec.os absent / linux / windows / Windows / Linux / "" / {} / darwin
  validateLinux         windowsOptions at pod level and in every container list
  validateWindows       every pod-level and container-level field it forbids, with "set" vs
                        "unset" edge values (false, 0, {}, [])
  validateWindowsSecurityContextOptions
                        runAsUserName (bytes vs runes, control chars incl. U+0080-U+009F, NetBIOS vs
                        DNS domains, 15/16 runes, 104/105 bytes, 255/256 bytes), gmsaCredentialSpecName,
                        gmsaCredentialSpec (empty, 64 KiB boundary in bytes)
  validateWindowsHostProcessPod
                        pod vs container values, all-or-none, hostNetwork, ephemeral containers
  validatePodResources  pod-level spec.resources (Forbidden on Windows)
  validateStopSignal    lifecycle.stopSignal (gate ContainerStopSignals is alpha/off in 1.37, so the
                        field is dropped before validation; covered to prove nobody reports on it)
and all of it inside the templates of Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
CronJob, ReplicationController and PodTemplate. Ephemeral containers go through the
pods/ephemeralcontainers subresource (see test_admission_differential.py).
"""

from __future__ import annotations

import copy
import random

# ----------------------------------------------------------------------------- value pools

OS_CHOICES = [
    (None, 26),  # absent
    ({"name": "windows"}, 34),
    ({"name": "linux"}, 20),
    ({"name": "Windows"}, 4),
    ({"name": "Linux"}, 2),
    ({"name": ""}, 4),
    ({}, 4),
    ({"name": "darwin"}, 3),
    ({"name": None}, 1),  # JSON null name == empty name
    ({"name": "windows "}, 1),
]

# runAsUserName pieces. Domains: NetBIOS (1-15 runes, no \/:*?"<>|, no leading '.') or DNS labels.
LABEL63 = "a" + "b" * 61 + "c"
DOMAINS = [
    "DOMAIN", "NT AUTHORITY", "Network Service", "my_domain", "a", "x" * 15, "x" * 16,
    "é" * 15, "é" * 16, "ü" * 14 + "x", ".leadingdot", "dom?in", "dom*in", "do:main", "d/m", "dom|x",
    'do"m', "dom<x", "-", "contoso.com", "CONTOSO.COM", "sub.contoso.com", "a.b", "a..b", "trailing.",
    "label-.com", "-label.com", "lab_el.com", LABEL63 + ".com", LABEL63 + "d.com", "x" * 42,
    # total-length boundaries (bytes): 255 is the maximum
    ".".join([LABEL63] * 4),                       # 255 bytes, valid DNS
    ".".join([LABEL63] * 4) + "x",                 # 256 bytes, last label 64 -> also not DNS
    ".".join([LABEL63] * 3 + ["a" * 62]) + "a",    # 255
    ".".join([LABEL63] * 3 + ["a" * 62]) + "ab",   # 256, labels fine
    "a" * 255, "a" * 256, "é" * 128, "é" * 127 + "a",
    "", "dom\u0085ain", "dom\u009fain", "DOMÄIN", "d o m",
    "\U0001F600" * 15, "\U0001F600" * 16, "e\u0301" * 7 + "x", "e\u0301" * 8,
]
USERS = [
    "ContainerUser", "ContainerAdministrator", "Container. User", "NETWORK SERVICE", "user", "u",
    "", ".", "...", " ", ". .", "... ...", ".user", "user.",
    "a" * 104, "a" * 105, "é" * 52, "é" * 53, "é" * 51 + "ab", "é" * 51 + "abc", "ü" * 52,
    "user@contoso.com", "us/er", "us:er", "us;er", "us|er", "us=er", "us,er", "us+er", "us*er",
    "us?er", "us<er", "us>er", "us[er", "us]er", 'us"er', "us er", "us_er", "us-er", "us'er",
    "us\u0080er", "us\u0085er", "us\u009fer", "us\u00a0er", "ünïcödé", "用户",
    # astral runes: 1 code point, 4 UTF-8 bytes (26 -> 104 bytes, 27 -> 108 bytes)
    "\U0001F600" * 26, "\U0001F600" * 27, "e\u0301" * 52,
]
CONTROL = ["\t", "\n", "\r", "\x00", "\x01", "\x1f", "\x7f", "\x1b"]
HIGH_CONTROL = ["\u0080", "\u0085", "\u009b", "\u009f"]

GMSA_NAMES = [
    "webapp1-credspec", "gmsa", "a", "a.b.c", "", "Upper", "under_score", "-lead", "trail-",
    "a..b", ".lead", "trail.", "a" * 253, "a" * 254, "a" * 63 + "." + "b" * 63, "a b", "é",
]
GMSA_SPEC_SMALL = ['{"CmsPlugins":["ActiveDirectory"]}', "x", " ", "{}"]

SIGNALS = ["SIGTERM", "SIGKILL", "SIGINT", "SIGUSR1", "SIGRTMIN+1", "SIGBOGUS"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted)
    return copy.deepcopy(rng.choices(values, weights=weights)[0])


def run_as_user_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.10:
        return ""
    if r < 0.22:
        base = rng.choice(["user", "DOMAIN\\user", "contoso.com\\user", "dom\\"])
        pos = rng.randrange(len(base) + 1)
        return base[:pos] + rng.choice(CONTROL + HIGH_CONTROL) + base[pos:]
    if r < 0.28:
        return rng.choice(["a\\b\\c", "\\\\", "DOMAIN\\\\user", "\\user\\", "a\\b\\c\\d"])
    user = rng.choice(USERS)
    if rng.random() < 0.35:
        return user
    return rng.choice(DOMAINS) + "\\" + user


def gmsa_spec(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.2:
        return ""
    if r < 0.5:
        return rng.choice(GMSA_SPEC_SMALL)
    # 64 KiB boundary, counted in bytes
    n = rng.choice([65535, 65536, 65537])
    if rng.random() < 0.5:
        return "x" * n
    # multi-byte: 2-byte runes, so rune count and byte count differ
    return "é" * (n // 2) + "x" * (n % 2)


def windows_options(rng: random.Random, host_process=None) -> dict:
    wo: dict = {}
    if host_process is not None:
        wo["hostProcess"] = host_process
    if rng.random() < 0.4:
        wo["runAsUserName"] = run_as_user_name(rng)
    if rng.random() < 0.2:
        wo["gmsaCredentialSpecName"] = rng.choice(GMSA_NAMES)
    if rng.random() < 0.15:
        wo["gmsaCredentialSpec"] = gmsa_spec(rng)
    _sprinkle_nulls(rng, wo, ["hostProcess", "runAsUserName", "gmsaCredentialSpecName", "gmsaCredentialSpec"], 0.04)
    return wo


# ----------------------------------------------------------------------------- containers


def container_security_context(rng: random.Random, p: float) -> dict | None:
    """A container securityContext touching the fields validateWindows forbids, each with chance p."""
    if rng.random() < 0.25:
        return None
    sc: dict = {}
    if rng.random() < p:
        sc["appArmorProfile"] = {"type": rng.choice(["RuntimeDefault", "Unconfined"])}
    if rng.random() < p:
        sc["seLinuxOptions"] = rng.choice([{}, {"level": "s0:c123,c456"}, {"type": "container_t"}])
    if rng.random() < p:
        sc["seccompProfile"] = {"type": rng.choice(["RuntimeDefault", "Unconfined"])}
    if rng.random() < p:
        sc["capabilities"] = rng.choice([{}, {"add": ["NET_ADMIN"]}, {"drop": ["ALL"]}])
    if rng.random() < p:
        sc["readOnlyRootFilesystem"] = rng.random() < 0.5
    if rng.random() < p:
        sc["privileged"] = rng.random() < 0.5
    if rng.random() < p:
        sc["allowPrivilegeEscalation"] = rng.random() < 0.5
    if rng.random() < p:
        sc["procMount"] = "Default"
    if rng.random() < p:
        sc["runAsUser"] = rng.choice([0, 1000])
    if rng.random() < p:
        sc["runAsGroup"] = rng.choice([0, 3000])
    if rng.random() < p:
        sc["runAsNonRoot"] = rng.random() < 0.5
    _sprinkle_nulls(rng, sc, ["appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities",
                              "readOnlyRootFilesystem", "privileged", "procMount", "runAsUser", "windowsOptions"])
    # non-OS rule (ValidateSecurityContext): allowPrivilegeEscalation=false with privileged=true is Invalid
    if sc.get("privileged") is True and sc.get("allowPrivilegeEscalation") is False:
        sc["allowPrivilegeEscalation"] = True
    return sc


def _wo(container: dict) -> dict:
    """The container's windowsOptions dict, created (replacing explicit nulls) when missing."""
    if container.get("securityContext") is None:
        container["securityContext"] = {}
    if container["securityContext"].get("windowsOptions") is None:
        container["securityContext"]["windowsOptions"] = {}
    return container["securityContext"]["windowsOptions"]


def _sprinkle_nulls(rng: random.Random, obj: dict, keys: list[str], p: float = 0.03) -> None:
    """Explicit JSON nulls: kube-apiserver decodes them as nil, i.e. exactly like an absent field."""
    for k in keys:
        if k not in obj and rng.random() < p:
            obj[k] = None


def make_container(rng: random.Random, name: str, p: float, *, ephemeral: bool = False) -> dict:
    c: dict = {"name": name, "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022"}
    if ephemeral:
        c["image"] = "busybox:1.36"
    sc = container_security_context(rng, p)
    if sc is None and rng.random() < 0.05:
        c["securityContext"] = None  # explicit null == absent
    if sc is not None:
        if rng.random() < 0.35:
            sc["windowsOptions"] = windows_options(rng)
        c["securityContext"] = sc
    if not ephemeral and rng.random() < 0.08:
        # lifecycle is forbidden on ephemeral containers (a non-OS rule), so only here
        c["lifecycle"] = {"stopSignal": rng.choice(SIGNALS)}
    return c


# ----------------------------------------------------------------------------- pod spec


def pod_spec(rng: random.Random, *, valid_base: bool = False) -> dict:
    """A PodSpec. valid_base=True restricts choices to what every OS rule accepts (for base pods
    of the ephemeral-container cases, which must really be created first)."""
    p = rng.choice([0.05, 0.12, 0.25])
    spec: dict = {}
    os_ = _pick(rng, OS_CHOICES)
    if os_ is not None:
        spec["os"] = os_
    os_name = (os_ or {}).get("name")

    # --- HostProcess scenario (pod vs container values, all-or-none, hostNetwork)
    hp_mode = rng.random() < 0.3
    pod_hp = rng.choice([None, True, False]) if hp_mode else None

    sc: dict | None = None
    if rng.random() < 0.75:
        sc = {}
        for key, gen in (
            ("appArmorProfile", lambda: {"type": "RuntimeDefault"}),
            ("seLinuxOptions", lambda: rng.choice([{}, {"level": "s0:c1,c2"}])),
            ("seccompProfile", lambda: {"type": "RuntimeDefault"}),
            ("fsGroup", lambda: rng.choice([0, 2000])),
            ("fsGroupChangePolicy", lambda: rng.choice(["OnRootMismatch", "Always"])),
            ("sysctls", lambda: rng.choice([[], [{"name": "kernel.shm_rmid_forced", "value": "0"}]])),
            ("runAsUser", lambda: rng.choice([0, 1000])),
            ("runAsGroup", lambda: rng.choice([0, 3000])),
            ("runAsNonRoot", lambda: rng.random() < 0.5),
            ("supplementalGroups", lambda: rng.choice([[], [4000]])),
            ("supplementalGroupsPolicy", lambda: rng.choice(["Merge", "Strict"])),
            ("seLinuxChangePolicy", lambda: rng.choice(["Recursive", "MountOption"])),
        ):
            if rng.random() < p:
                sc[key] = gen()
        if pod_hp is not None or rng.random() < 0.3:
            sc["windowsOptions"] = windows_options(rng, pod_hp)
        _sprinkle_nulls(rng, sc, ["seLinuxOptions", "fsGroup", "sysctls", "supplementalGroups", "runAsUser",
                                  "windowsOptions", "seLinuxChangePolicy"])
    if sc is not None:
        spec["securityContext"] = sc

    for key, gen in (
        ("hostUsers", lambda: rng.random() < 0.5),
        ("hostPID", lambda: rng.random() < 0.5),
        ("hostIPC", lambda: rng.random() < 0.5),
        ("shareProcessNamespace", lambda: rng.random() < 0.5),
    ):
        if rng.random() < p:
            spec[key] = gen()
    _sprinkle_nulls(rng, spec, ["hostUsers", "shareProcessNamespace", "resources", "securityContext", "os"])
    if hp_mode or rng.random() < 0.1:
        spec["hostNetwork"] = rng.random() < 0.7
    if rng.random() < p:
        spec["resources"] = rng.choice([
            {"requests": {"cpu": "100m", "memory": "64Mi"}},
            {"limits": {"cpu": "1", "memory": "256Mi"}},
            {"requests": {"cpu": "250m"}, "limits": {"cpu": "500m"}},
            {},
        ])

    n_init = rng.choice([0, 0, 1, 2])
    n_ctr = rng.choice([1, 1, 2, 3])
    init = [make_container(rng, f"init{i}", p) for i in range(n_init)]
    ctrs = [make_container(rng, f"c{i}", p) for i in range(n_ctr)]
    if hp_mode:
        # container-level hostProcess values: mostly unset (inherit), sometimes equal or different
        for c in init + ctrs:
            if rng.random() < 0.35:
                _wo(c)["hostProcess"] = rng.random() < 0.6
    if init:
        spec["initContainers"] = init
    spec["containers"] = ctrs

    if valid_base:
        _make_os_valid(spec, os_name)
    _fix_non_os_rules(spec)
    return spec


def _fix_non_os_rules(spec: dict) -> None:
    """Keep the object valid for every rule that does NOT depend on the OS."""
    # validateHostUsers: hostUsers=false forbids hostNetwork/hostPID/hostIPC
    if spec.get("hostUsers") is False:
        for k in ("hostNetwork", "hostPID", "hostIPC"):
            spec.pop(k, None)
    # validateShareProcessNamespace: shareProcessNamespace=true with hostPID=true is Invalid
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        spec["shareProcessNamespace"] = False
    # ValidateHostSysctl: an IPC-namespaced sysctl may not be combined with hostIPC=true
    sc = spec.get("securityContext") or {}
    if sc.get("sysctls") and spec.get("hostIPC"):
        sc["sysctls"] = [{"name": "vm.swappiness", "value": "10"}]


def _strip_windows_forbidden(sc: dict | None, container: bool) -> None:
    if not sc:
        return
    keys = (
        ["appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem",
         "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"]
        if container else
        ["appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls",
         "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"]
    )
    for k in keys:
        sc.pop(k, None)


def _sanitize_windows_options(sc: dict | None) -> None:
    wo = (sc or {}).get("windowsOptions")
    if wo is None:
        return
    wo.pop("runAsUserName", None)
    wo.pop("gmsaCredentialSpecName", None)
    wo.pop("gmsaCredentialSpec", None)


def _make_os_valid(spec: dict, os_name) -> None:
    """Turn a generated spec into one every OS-dependent rule accepts (base pods for ephemeral cases)."""
    if spec.get("os") is not None and os_name not in ("linux", "windows"):
        spec["os"] = {"name": "windows"}
        os_name = "windows"
    conts = spec.get("initContainers", []) + spec["containers"]
    for sc in [spec.get("securityContext")] + [c.get("securityContext") for c in conts]:
        _sanitize_windows_options(sc)
    for c in conts:
        c.pop("lifecycle", None)
    if os_name == "linux":
        for sc in [spec.get("securityContext")] + [c.get("securityContext") for c in conts]:
            if sc:
                sc.pop("windowsOptions", None)
    if os_name == "windows":
        _strip_windows_forbidden(spec.get("securityContext"), container=False)
        for c in conts:
            _strip_windows_forbidden(c.get("securityContext"), container=True)
        for k in ("hostUsers", "shareProcessNamespace", "resources"):
            spec.pop(k, None)
        for k in ("hostPID", "hostIPC"):
            if spec.get(k):
                spec.pop(k)
    # HostProcess: all-or-none and hostNetwork; simplest valid form is "no container overrides"
    for c in conts:
        wo = (c.get("securityContext") or {}).get("windowsOptions")
        if wo is not None:
            wo.pop("hostProcess", None)
    pod_wo = (spec.get("securityContext") or {}).get("windowsOptions")
    if pod_wo is not None and pod_wo.get("hostProcess") is True:
        spec["hostNetwork"] = True
        spec.pop("hostUsers", None)


def ephemeral_containers(rng: random.Random, base_spec: dict) -> list[dict]:
    p = rng.choice([0.05, 0.12, 0.25])
    names = [c["name"] for c in base_spec.get("initContainers", []) + base_spec["containers"]]
    out = []
    for i in range(rng.choice([1, 1, 2])):
        c = make_container(rng, f"debug{i}", p, ephemeral=True)
        if rng.random() < 0.3:
            _wo(c)["hostProcess"] = rng.random() < 0.5
        if rng.random() < 0.3:
            c["targetContainerName"] = rng.choice(names)
        out.append(c)
    return out


# ----------------------------------------------------------------------------- workload wrappers

WORKLOAD_KINDS = [
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
    "ReplicationController", "PodTemplate",
]

# kind -> (apiVersion, REST path prefix, plural)
API = {
    "Pod": ("v1", "/api/v1", "pods"),
    "PodTemplate": ("v1", "/api/v1", "podtemplates"),
    "ReplicationController": ("v1", "/api/v1", "replicationcontrollers"),
    "Deployment": ("apps/v1", "/apis/apps/v1", "deployments"),
    "ReplicaSet": ("apps/v1", "/apis/apps/v1", "replicasets"),
    "StatefulSet": ("apps/v1", "/apis/apps/v1", "statefulsets"),
    "DaemonSet": ("apps/v1", "/apis/apps/v1", "daemonsets"),
    "Job": ("batch/v1", "/apis/batch/v1", "jobs"),
    "CronJob": ("batch/v1", "/apis/batch/v1", "cronjobs"),
}


def wrap(kind: str, name: str, spec: dict) -> dict:
    labels = {"app": name}
    api_version = API[kind][0]
    meta = {"name": name}
    if kind == "Pod":
        return {"apiVersion": api_version, "kind": kind, "metadata": {**meta, "labels": labels}, "spec": spec}
    template = {"metadata": {"labels": labels}, "spec": spec}
    if kind == "PodTemplate":
        return {"apiVersion": api_version, "kind": kind, "metadata": meta, "template": template}
    if kind in ("Job", "CronJob"):
        spec.setdefault("restartPolicy", "Never")
        job_spec = {"template": template, "backoffLimit": 0}
        if kind == "Job":
            return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": job_spec}
        return {"apiVersion": api_version, "kind": kind, "metadata": meta,
                "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": job_spec}}}
    wspec: dict = {"template": template}
    if kind == "ReplicationController":
        wspec["selector"] = labels
    else:
        wspec["selector"] = {"matchLabels": labels}
    if kind == "StatefulSet":
        wspec["serviceName"] = name
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": wspec}


def pod_spec_of(obj: dict) -> dict:
    """The pod spec inside any of WORKLOAD_KINDS as wrap() builds them."""
    kind = obj["kind"]
    if kind == "Pod":
        return obj["spec"]
    if kind == "PodTemplate":
        return obj["template"]["spec"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def generate_case(seed: int, index: int) -> dict:
    """Case `index` of the run with base seed `seed`: {"mode": "create"|"ephemeral", "object": ...}.

    Ephemeral cases carry "base_index" (which pod of the base pool to attach to) and "rng_state"
    (the seed of ephemeral_case); their object is that base pod plus spec.ephemeralContainers.
    """
    rng = random.Random(f"{seed}:{index}")
    if rng.random() < 0.12:
        return {"mode": "ephemeral", "base_index": rng.randrange(BASE_POOL_SIZE), "rng_state": rng.random()}
    kind = rng.choices(WORKLOAD_KINDS, weights=[40, 8, 6, 6, 8, 8, 8, 6, 10])[0]
    spec = pod_spec(rng)
    return {"mode": "create", "object": wrap(kind, f"case-{index}", spec)}


BASE_POOL_SIZE = 24


def base_pod(seed: int, index: int, attempt: int = 0) -> dict:
    rng = random.Random(f"{seed}:base:{index}:{attempt}")
    spec = pod_spec(rng, valid_base=True)
    spec["nodeName"] = "winkube-no-such-node"  # bound at once, so no scheduler ever touches it
    if rng.random() < 0.5:
        spec.pop("initContainers", None)
    return wrap("Pod", f"base-{index}", spec)


def ephemeral_case(base: dict, case_seed: float) -> dict:
    rng = random.Random(case_seed)
    obj = copy.deepcopy(base)
    obj["spec"]["ephemeralContainers"] = ephemeral_containers(rng, obj["spec"])
    return obj
