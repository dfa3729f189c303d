"""Differential proof of winkube's admission-stage rules against the real kube-apiserver.

Every generated object (tests/harness/podgen.py: a seeded random.Random per case, fixed base
seed, WINKUBE_FUZZ_EXAMPLES cases, default 2,000) is sent with server-side dry-run; the 422
causes, as a set of (field, type), must equal winkube.api.admission_errors(obj) exactly. Pods with
ephemeral containers go through the real pods/ephemeralcontainers subresource of a pod created
for real. A disagreement is written to tests/harness/regressions/ and the test fails with a diff;
test_regressions_replay replays every file there.
"""

from __future__ import annotations

import collections
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from . import podgen
from .controlplane import ControlPlane, ControlPlaneError, binaries_dir
from .verdict import BasePods, UnexpectedAnswer, causes_of, dry_run_create, is_os_cause, os_causes
from .winkube_side import REGRESSIONS, format_diff, short, winkube_answer, winkube_api, write_regression

SEED = int(os.environ.get("WINKUBE_FUZZ_SEED", "20261127"))
EXAMPLES = int(os.environ.get("WINKUBE_FUZZ_EXAMPLES", "2000"))
WORKERS = int(os.environ.get("WINKUBE_FUZZ_WORKERS", "4"))
MAX_REPORTED = 15  # disagreements printed in full (all of them are written to regressions/)
MAX_WRITTEN = 200  # regression files written per run

FUZZ_NS = "winkube-fuzz"


def rule_key(fld: str) -> str:
    """spec.template.spec.containers[1].securityContext.privileged -> <pod>.containers[*].securityContext.privileged"""
    fld = re.sub(r"^(spec\.jobTemplate\.spec\.template\.spec|spec\.template\.spec|template\.spec|spec)", "<pod>", fld)
    return re.sub(r"\[\d+\]", "[*]", fld)


# Every OS-dependent rule the generator must have made the server report at least once in a
# 2,000-case run; proves the generator reaches each rule (a run that never produced one of these
# would compare nothing about it).
_WIN_POD = ["appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls",
            "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"]
_WIN_CTR = ["appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem",
            "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"]
REQUIRED_COVERAGE = (
    {(f"<pod>.securityContext.{f}", "Forbidden") for f in _WIN_POD}
    | {(f"<pod>.{f}", "Forbidden") for f in ("hostUsers", "hostPID", "hostIPC", "shareProcessNamespace", "resources")}
    | {(f"<pod>.{lst}[*].securityContext.{f}", "Forbidden") for lst in ("containers", "initContainers") for f in _WIN_CTR}
    | {(f"<pod>.{lst}[*].securityContext.windowsOptions", "Forbidden")
       for lst in ("containers", "initContainers", "ephemeralContainers")}
    | {("<pod>.securityContext.windowsOptions", "Forbidden")}
    | {(f"<pod>.{p}securityContext.windowsOptions.{f}", "Invalid")
       for p in ("", "containers[*].", "initContainers[*].")
       for f in ("runAsUserName", "gmsaCredentialSpecName", "gmsaCredentialSpec")}
    | {("<pod>.ephemeralContainers[*].securityContext.windowsOptions.runAsUserName", "Invalid")}
    | {("<pod>.ephemeralContainers[*].securityContext.privileged", "Forbidden")}
    | {(f"<pod>.{lst}[*].securityContext.windowsOptions.hostProcess", "Invalid")
       for lst in ("containers", "initContainers", "ephemeralContainers")}
    | {("<pod>", "Invalid"), ("<pod>.hostNetwork", "Invalid"), ("<pod>.os", "NotSupported"), ("<pod>.os.name", "Required")}
)


def _no_privileged(obj: dict) -> dict:
    """privileged: true -> false. With --allow-privileged=false a privileged container is Forbidden
    ("disallowed by cluster policy") on every OS, which is not an OS-dependent rule."""
    for lst in ("initContainers", "containers", "ephemeralContainers"):
        for c in _pod_spec_of(obj).get(lst) or []:
            sc = c.get("securityContext")
            if isinstance(sc, dict) and sc.get("privileged") is True:
                sc["privileged"] = False
    return obj


_pod_spec_of = podgen.pod_spec_of


def _identity(obj: dict) -> dict:
    return obj


def _make_bases(kube: httpx.Client, ns: str, transform=_identity):
    """The pool of valid base pods (created for real) the ephemeral-container cases attach to."""
    pool = BasePods(kube, ns)
    bases: dict[int, dict] = {}
    rejected = []
    for i in range(podgen.BASE_POOL_SIZE):
        for attempt in range(10):
            pod = transform(podgen.base_pod(SEED, i, attempt))
            try:
                pool.create(pod)
            except UnexpectedAnswer as exc:
                rejected.append(str(exc)[:500])
                continue
            bases[i] = pod
            break
        else:
            pytest.fail(f"generator bug: no valid base pod {i} in 10 attempts:\n" + "\n".join(rejected[-3:]))
    return pool, bases


@pytest.fixture(scope="module")
def fuzz_bases(kube: httpx.Client, namespace):
    return _make_bases(kube, namespace(FUZZ_NS))


@pytest.fixture(scope="module")
def unprivileged_cluster(kube_version: str):
    """A second kube-apiserver started with --allow-privileged=false (its default)."""
    try:
        cp = ControlPlane.start(binaries_dir(kube_version), kube_version, allow_privileged=False)
    except ControlPlaneError as exc:
        pytest.fail(f"the --allow-privileged=false control plane could not be started:\n{exc}", pytrace=False)
    print(f"\nunprivileged control plane up in {cp.startup_seconds:.1f}s; logs in {cp.logdir}")
    try:
        with cp.client() as client:
            cp.ensure_namespace(client, FUZZ_NS)
            yield client, _make_bases(client, FUZZ_NS, _no_privileged)
    finally:
        cp.stop()


def _server_answer(kube, pool: BasePods, bases: dict, index: int, transform=_identity):
    case = podgen.generate_case(SEED, index)
    if case["mode"] == "create":
        obj = transform(case["object"])
        response = dry_run_create(kube, obj, FUZZ_NS)
    else:
        obj = transform(podgen.ephemeral_case(bases[case["base_index"]], case["rng_state"]))
        response = pool.dry_run_ephemeral(obj["metadata"]["name"], obj["spec"]["ephemeralContainers"])
    try:
        server, raw = causes_of(response)
    except UnexpectedAnswer as exc:
        return index, case["mode"], obj, None, [], str(exc)
    return index, case["mode"], obj, server, raw, None


def _differential(kube, pool, bases, kube_version: str, count: int, allow_privileged: bool, transform=_identity):
    api = winkube_api()
    t0 = time.monotonic()
    server_seconds = 0.0
    disagreements: list[str] = []
    written = []
    unexpected: list[str] = []
    non_os: list[str] = []
    coverage: set[tuple[str, str]] = set()
    outcome = collections.Counter()

    chunk = 500
    with ThreadPoolExecutor(max_workers=WORKERS) as ex:
        for start in range(0, count, chunk):
            ts = time.monotonic()
            results = list(ex.map(
                lambda i: _server_answer(kube, pool, bases, i, transform), range(start, min(count, start + chunk))
            ))
            server_seconds += time.monotonic() - ts
            for index, mode, obj, server, raw, error in results:
                if error is not None:
                    unexpected.append(f"case {index} ({obj['kind']}, {mode}): {error}\n{short(obj, 1500)}")
                    continue
                for cause in raw:
                    if not is_os_cause(cause):
                        non_os.append(f"case {index}: {cause}")
                coverage |= {(rule_key(f), t) for f, t in server}
                outcome[(obj["kind"] + ("/ephemeralcontainers" if mode == "ephemeral" else ""), bool(server))] += 1
                try:
                    mine = winkube_answer(api, obj, kube_version, allow_privileged=allow_privileged)
                except Exception as exc:  # a crash is a disagreement too
                    mine = {("<winkube raised>", f"{type(exc).__name__}: {exc}")}
                if mine != server:
                    record = {
                        "note": f"differential case {index} of seed {SEED} ({mode}, allow_privileged={allow_privileged})",
                        "mode": mode,
                        "allow_privileged": allow_privileged,
                        "kube_version": kube_version,
                        "object": obj,
                        "server": sorted(map(list, server)),
                        "winkube": sorted(map(list, mine)),
                    }
                    where = write_regression(record) if len(written) < MAX_WRITTEN else None
                    if where:
                        written.append(where)
                    if len(disagreements) < MAX_REPORTED:
                        disagreements.append(
                            f"case {index} [{obj['kind']}, {mode}] -> {where or '(not written)'}\n"
                            f"{format_diff(server, mine)}\n{short(obj)}"
                        )
                    else:
                        disagreements.append(f"case {index} [{obj['kind']}, {mode}]")
    elapsed = time.monotonic() - t0
    rejected = sum(v for (k, bad), v in outcome.items() if bad)
    print(
        f"\ndifferential (allow_privileged={allow_privileged}): {count} cases (seed {SEED}, {WORKERS} workers) "
        f"in {elapsed:.1f}s (server {server_seconds:.1f}s); {rejected} rejected, "
        f"{count - rejected - len(unexpected)} accepted; {len(disagreements)} disagreements"
    )
    for (kind, bad), n in sorted(outcome.items()):
        print(f"  {kind:<36} {'rejected' if bad else 'accepted'} {n}")

    assert not unexpected, "the server gave answers that are not a verdict (generator/setup bug):\n" + "\n\n".join(unexpected[:5])
    assert not non_os, "generated objects broke rules that do not depend on the OS (generator bug):\n" + "\n".join(non_os[:20])
    if disagreements:
        pytest.fail(
            f"{len(disagreements)} of {count} cases: winkube.api.admission_errors differs from kube-apiserver "
            f"{kube_version} (allow_privileged={allow_privileged}; regression files in {REGRESSIONS}):\n\n"
            + "\n\n".join(disagreements),
            pytrace=False,
        )
    return coverage, outcome


def test_admission_differential(kube: httpx.Client, fuzz_bases, kube_version: str):
    pool, bases = fuzz_bases
    assert EXAMPLES >= 1
    coverage, outcome = _differential(kube, pool, bases, kube_version, EXAMPLES, allow_privileged=True)
    if EXAMPLES >= 2000:
        missing = REQUIRED_COVERAGE - coverage
        assert not missing, "the generator no longer reaches these OS rules:\n" + "\n".join(map(str, sorted(missing)))
        for kind in podgen.WORKLOAD_KINDS:
            assert outcome[(kind, True)] and outcome[(kind, False)], f"{kind}: need both accepted and rejected cases"
        assert outcome[("Pod/ephemeralcontainers", True)] and outcome[("Pod/ephemeralcontainers", False)]


def test_admission_differential_unprivileged(unprivileged_cluster, kube_version: str):
    """Same generator against kube-apiserver --allow-privileged=false: HostProcess pods are also
    Forbidden at `spec` ("hostProcess containers are disallowed by cluster policy")."""
    client, (pool, bases) = unprivileged_cluster
    count = max(1, EXAMPLES // 4)
    coverage, _ = _differential(client, pool, bases, kube_version, count, allow_privileged=False, transform=_no_privileged)
    if count >= 500:
        assert ("<pod>", "Forbidden") in coverage, "no case reached the 'disallowed by cluster policy' rule"


def _replay_one(kube: httpx.Client, pool: BasePods, record: dict, tag: str):
    obj = record["object"]
    if record.get("mode") == "ephemeral" or obj.get("spec", {}).get("ephemeralContainers"):
        base = json.loads(json.dumps(obj))
        ephemeral = base["spec"].pop("ephemeralContainers")
        base["metadata"] = {"name": f"replay-{tag}"}
        base["spec"]["nodeName"] = "winkube-no-such-node"
        pool.create(base)
        response = pool.dry_run_ephemeral(base["metadata"]["name"], ephemeral)
    else:
        response = dry_run_create(kube, obj, FUZZ_NS, api_kind=record.get("api_kind"))
    server, raw = causes_of(response)
    if record.get("filter") == "os":
        server = os_causes(raw)
    return server


def test_regressions_replay(kube: httpx.Client, namespace, kube_version: str, request):
    """Every stored regression case (curated edge cases plus disagreements found by the fuzzer),
    against both kube-apiserver and winkube. Cases recorded with allow_privileged=false are
    replayed on a --allow-privileged=false server."""
    api = winkube_api()
    pools = {True: (kube, BasePods(kube, namespace(FUZZ_NS)))}
    files = sorted(REGRESSIONS.glob("*.json"))
    assert files, f"no regression cases in {REGRESSIONS} (the curated ones are part of the repository)"
    failures = []
    for path in files:
        record = json.loads(path.read_text())
        privileged = record.get("allow_privileged", True)
        if privileged not in pools:
            client, (pool, _) = request.getfixturevalue("unprivileged_cluster")
            pools[privileged] = (client, pool)
        client, pool = pools[privileged]
        tag = re.sub(r"[^a-z0-9-]", "-", path.stem.lower())[:50].strip("-")
        try:
            server = _replay_one(client, pool, record, tag)
        except UnexpectedAnswer as exc:
            failures.append(f"{path.name}: the server gave no verdict: {exc}")
            continue
        if "expect_server" in record and record.get("kube_version") == kube_version:
            # curated cases record what this release answers, so a changed server is noticed too
            expected = {tuple(x) for x in record["expect_server"]}
            if server != expected:
                failures.append(f"{path.name}: kube-apiserver no longer answers as recorded\n{format_diff(server, expected)}")
        try:
            mine = winkube_answer(api, record["object"], kube_version, allow_privileged=privileged)
        except Exception as exc:
            mine = {("<winkube raised>", f"{type(exc).__name__}: {exc}")}
        if mine != server:
            failures.append(f"{path.name}: {record.get('note', '')}\n{format_diff(server, mine)}\n{short(record['object'], 1500)}")
    print(f"\nreplayed {len(files)} regression cases")
    if failures:
        pytest.fail(f"{len(failures)} of {len(files)} regression cases fail:\n\n" + "\n\n".join(failures), pytrace=False)
