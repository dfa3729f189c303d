"""The reference's failure catalogue (knowledge/failures.yaml): every entry E1–E41 matches its real
message as recorded in shared/reference/windows-facts.md §5, and a near-miss does not match it.
(The catalogue grown from issue threads is tested in test_catalogue.py and test_realworld.py.)"""
from __future__ import annotations

import io
import re

import pytest

from winkube.cli import main
from winkube.failures import catalogue, explain_message, match
from winkube.knowledge import load

# id -> (the real message, as the reference records it — "…" filled in with realistic text;
#        a fragment of it that occurs verbatim in the reference;
#        a near-miss that must NOT match this entry)
CASES = {
    "E1": ("Error response from daemon: container abc encountered an error during CreateContainer: failure in a Windows "
           "system call: The operating system of the container does not match the operating system of the host. (0xc0370101)",
           "The operating system of the container does not match the operating system of the host. (0xc0370101)",
           "The operating system of the container matches the operating system of the host."),
    "E2": ("hcsshim::CreateComputeSystem 4ad5c8d1: The container operating system does not match the host operating system.",
           "The container operating system does not match the host operating system.",
           "hcsshim::CreateComputeSystem 4ad5c8d1: The container operating system is being updated."),
    "E3": ('failed to pull and unpack image "mcr.microsoft.com/windows/nanoserver:ltsc2022": no match for platform in manifest: not found',
           'failed to pull and unpack image "mcr.microsoft.com/windows/nanoserver:ltsc2022": no match for platform in manifest: not found',
           'failed to pull and unpack image "mcr.microsoft.com/windows/nanoserver:ltsc2022": not found'),
    "E4": ('Failed to pull image "mcr.microsoft.com/aks/kaito/local-csi-manager:v0.2.9": no match for platform in manifest: not found',
           "no match for platform in manifest: not found",
           'Failed to pull image "mcr.microsoft.com/aks/kaito/local-csi-manager:v0.2.9": manifest unknown'),
    "E5": ('image operating system "linux" cannot be used on this platform',
           'image operating system "linux" cannot be used on this platform',
           'image operating system "linux" can be used on this platform'),
    "E6": ("no matching manifest for windows/amd64 10.0.17763 in the manifest list entries",
           "no matching manifest for windows/amd64 10.0.17763 in the manifest list entries",
           "no matching manifest for linux/amd64 in the manifest list entries"),
    "E7": ("no matching manifest for windows/amd64 10.0.17134 in the manifest list entries",
           "1803",  # the reference names the SAC releases, not a message
           "no matching manifest for windows/amd64 10.0.20348 in the manifest list entries"),
    "E8": ("hcsshim::PrepareLayer failed in Win32: The container image contains a layer with an unrecognized format. (0xc0370112)",
           "hcsshim::PrepareLayer failed in Win32: The container image contains a layer with an unrecognized format. (0xc0370112)",
           "hcsshim::PrepareLayer failed in Win32: The system cannot find the path specified. (0x3)"),
    "E9": ("failed to create containerd task: hcs::CreateComputeSystem sandbox: HCS_E_IMAGE_MISMATCH",
           "HCS_E_IMAGE_MISMATCH",
           "failed to create containerd task: hcs::CreateComputeSystem sandbox: HCS_E_SYSTEM_NOT_FOUND"),
    "E10": ('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod "web-0": '
            "hcsshim::CreateComputeSystem 9f2: The container operating system does not match the host operating system.",
            "FailedCreatePodSandBox",
            'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "x" network'),
    "E11": ("hcsshim::CreateComputeSystem 1c3: The virtual machine could not be started because a required feature is not installed.",
            "The virtual machine could not be started because a required feature is not installed.",
            "hcsshim::CreateComputeSystem 1c3: The virtual machine could not be started because of a timeout."),
    "E12": ("Back-off restarting failed container: the process exited with code 3221225785",
            "3221225785",
            "the process exited with code 3221225786"),
    "E13": ("failed to pull image mcr.microsoft.com/dotnet/framework/sdk:4.8: hcsshim::CreateComputeSystem 77: "
            "The container operating system does not match the host operating system.",
            "dotnet/framework/sdk:4.8",
            "failed to pull image mcr.microsoft.com/dotnet/framework/sdk:4.8: unauthorized"),
    "E14": ("Pod \"hp\" is invalid: spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
            "hostNetwork must be true if pod contains any hostProcess containers",
            "hostNetwork must be false if pod contains any linux containers"),
    "E15": ("Pod \"w\" is invalid: spec.containers[0].securityContext.privileged: Forbidden: cannot be set for a windows pod",
            "cannot be set for a windows pod",
            "spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy"),
    "E16": ("Pod was rejected: Failed to admit pod as the OS field doesn't match node OS",
            "Failed to admit pod as the OS field doesn't match node OS",
            "Pod was rejected: Node didn't have enough resource: cpu"),
    "E17": ("Failed to validate kubelet configuration, path: C:\\var\\lib\\kubelet\\config.yaml, err: invalid configuration: "
            "CgroupsPerQOS (--cgroups-per-qos) true is not supported on Windows, invalid configuration: "
            "EnforceNodeAllocatable (--enforce-node-allocatable) [pods] is not supported on Windows",
            "CgroupsPerQOS (--cgroups-per-qos) true is not supported on Windows",
            "invalid configuration: CgroupsPerQOS (--cgroups-per-qos) false is required"),
    "E18": ("unknown priority class HIGH, valid ones are available at https://docs.microsoft.com/en-us/windows/win32/procthread/scheduling-priorities",
            "unknown priority class X, valid ones are available at",
            "unknown priority class HIGH"),
    "E19": ("failed to create user process token: failed to logon user: Access is denied.: unknown",
            "failed to create user process token: failed to logon user: Access is denied.: unknown",
            "failed to create user process token: failed to logon user: The user name or password is incorrect."),
    "E20": ('admission webhook "admission-webhook.windows-gmsa.sigs.k8s.io" denied the request: service account "default" '
            'is not authorized to `use` GMSA cred spec "gmsa-webapp1"',
            "is not authorized to `use` GMSA cred spec",
            'admission webhook "admission-webhook.windows-gmsa.sigs.k8s.io" denied the request: timeout'),
    "E21": ("Getting parent domain failed: Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE",
            "Getting parent domain failed: Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE",
            "Getting parent domain failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN"),
    "E22": ("The session setup to the Windows Domain Controller \\\\dc01 for the domain CONTOSO failed because the computer "
            "gmsa_webapp1 does not have a local security database account.",
            "does not have a local security database account.",
            "The session setup to the Windows Domain Controller failed because the computer account password is wrong."),
    "E23": ("hcsshim::CreateComputeSystem 5e1: winapi error #3489792023",
            "winapi error #3489792023",
            "hcsshim::CreateComputeSystem 5e1: winapi error #2147942402"),
    "E24": ("set EnableCompartmentNamespace=1 under HKLM\\SYSTEM\\CurrentControlSet\\Services\\hns\\State",
            "EnableCompartmentNamespace",
            "The network path was not found."),
    "E25": ('NetworkPlugin cni failed to set up pod "web-0_default" network: error while ProvisionEndpoint(web-0_default, '
            "3f2, 9d1): failed to create the new HNSEndpoint: hnsCall failed in Win32: The object already exists. (0x1392)",
            "failed to create the new HNSEndpoint: hnsCall failed in Win32: The object already exists. (0x1392)",
            "failed to create the new HNSEndpoint: hnsCall failed in Win32: The parameter is incorrect. (0x57)"),
    "E26": ('NetworkPlugin cni failed to set up pod "web-0_default" network: Failed to create endpoint: HNS failed with error : Element not found.',
            "Failed to create endpoint: HNS failed with error : Element not found.",
            "Failed to create endpoint: HNS failed with error : The parameter is incorrect."),
    "E27": ('Failed create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod '
            '"kube-flannel-ds-amd64-7x2kq": Error response from daemon: network host not found',
            "Error response from daemon: network host not found",
            'failed to start sandbox container for pod "kube-flannel-ds-amd64-7x2kq": Error response from daemon: network nat not ready'),
    "E28": ("Platform does not support feature Direct Server Return (DSR)",
            "Platform does not support feature Direct Server Return (DSR)",
            "Platform supports feature Direct Server Return (DSR)"),
    "E29": ("Service reachability failing with error: service is not reachable within 2m0s timeout on endpoint 10.0.0.4:30080 over TCP protocol",
            "Service reachability failing",
            "Service reachability succeeded on endpoint 10.0.0.4:30080"),
    "E30": ("kube-proxy: WinDSR enabled without loopbackDSR; pods cannot reach their own service",
            "loopbackDSR",
            "kube-proxy: WinDSR enabled"),
    "E31": ("after an HNS restart pod-to-service traffic breaks; remove HNS policy lists and restart kube-proxy",
            "remove HNS policy lists",
            "HNS is running"),
    "E32": ('incompatible CNI versions; config is "0.3.1", plugin supports ["0.2.0"]',
            'incompatible CNI versions; config is "0.3.1", plugin supports ["0.2.0"]',
            'CNI versions; config is "0.3.1", plugin supports ["0.3.1"]'),
    "E33": ("unable to do port forwarding: wincat not found",
            "unable to do port forwarding: wincat not found",
            "unable to do port forwarding: socat not found"),
    "E34": ("failed to start containerd task \"app\": hcs::System::CreateProcess app: The system cannot find the file specified.: unknown",
            "The system cannot find the file specified.: unknown",
            "hcs::System::CreateProcess app: Access is denied.: unknown"),
    "E35": ("failed to create containerd task: failed to create shim: hcs::CreateComputeSystem app: The directory name is invalid.: unknown",
            "The directory name is invalid.: unknown",
            "failed to create containerd task: failed to create shim: hcs::CreateComputeSystem app: Access is denied.: unknown"),
    "E36": ("failed to create shim task: hcs::CreateComputeSystem : The requested operation for attach namespace failed.: unknown",
            "failed to create shim task: hcs::CreateComputeSystem : The requested operation for attach namespace failed.: unknown",
            "failed to create shim task: hcs::CreateComputeSystem : The requested operation failed.: unknown"),
    "E37": ("invalid volume specification: 'c:\\var\\lib\\kubelet\\pods\\1\\volumes\\install_info:C:/ProgramData/Datadog/install_info:ro': "
            'invalid mount config for type "bind": source path must be a directory',
            'invalid mount config for type "bind": source path must be a directory',
            'invalid mount config for type "bind": bind source path does not exist'),
    "E38": ("invalid bind mount spec \"c:\\var\\lib\\kubelet\\pods\\1\\volumes:c:\\data:ro,rslave\": invalid mode: ro,rslave",
            ":ro,rslave",
            "invalid bind mount spec \"c:\\data:c:\\data:ro\": invalid volume specification"),
    "E39": ("Error: failed to create containerd container: nested subPath of a downwardAPI volume is not supported",
            "downwardAPI",
            "Error: failed to create containerd container: subPath does not exist"),
    "E40": ("hcs::CreateComputeSystem app: The filename, directory name, or volume label syntax is incorrect.: unknown",
            "The filename, directory name, or volume label syntax is incorrect.: unknown",
            "hcs::CreateComputeSystem app: The system cannot find the path specified.: unknown"),
    "E41": ("failed to create containerd task: hcs::CreateComputeSystem sandbox: context deadline exceeded",
            "CreateComputeSystem time",
            "failed to create containerd task: hcs::CreateComputeSystem sandbox: Access is denied."),
}


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u2011", "-")).strip().lower()


@pytest.fixture(scope="module")
def reference_catalogue() -> str:
    from harness.controlplane import shared_dir
    text = (shared_dir() / "reference" / "windows-facts.md").read_text()
    start = text.index("## 5. Failure catalogue")
    return _norm(text[start:text.index("## 6.", start)])


def test_every_reference_entry_is_in_the_catalogue_with_every_field(reference_catalogue):
    ids = [e.id for e in catalogue()]
    assert [i for i in ids if int(i[1:]) <= 41] == [f"E{i}" for i in range(1, 42)]  # the reference's ids are stable
    assert set(CASES) == {f"E{i}" for i in range(1, 42)}
    for row in load("failures")["entries"]:
        for field in ("id", "title", "pattern", "stage", "cause", "fix", "source"):
            assert row.get(field), (row["id"], field)
        if int(row["id"][1:]) <= 41:
            assert f"**{row['id'].lower()}**" in reference_catalogue


@pytest.mark.parametrize("entry_id", [f"E{i}" for i in range(1, 42)])
def test_real_message_matches_and_near_miss_does_not(entry_id, reference_catalogue):
    message, fragment, near_miss = CASES[entry_id]
    assert _norm(fragment) in reference_catalogue, f"{entry_id}: {fragment!r} is not in the reference"
    hits = [m.entry.id for m in match(message)]
    assert entry_id in hits, (entry_id, hits)
    assert entry_id not in [m.entry.id for m in match(near_miss)], (entry_id, near_miss)


def test_specific_entries_rank_first():
    # a sandbox that fails with "does not match the host" is the pause image, not the app image:
    # E2 (app image) is ruled out by the sandbox phase, E10 (pause) ranks first
    sandbox = CASES["E10"][0]
    ids = [m.entry.id for m in match(sandbox)]
    assert ids[0] == "E10", ids
    assert "E2" not in ids[:1]
    assert match("") == [] and match("all good") == []


def test_explain_message_prints_cause_fix_and_source():
    out = io.StringIO()
    assert explain_message(CASES["E16"][0], out)
    text = out.getvalue()
    assert text.startswith("E16 ") and "[stage: kubelet · layer: kubelet · confidence: high]" in text
    assert "decided by:" in text and "cause:" in text and "fix:" in text and "predicate.go" in text
    out = io.StringIO()
    assert not explain_message("everything is fine here", out)
    assert out.getvalue().startswith("no catalogue entry matches this message") and "collect next:" in out.getvalue()


def test_cli_explain_a_pasted_message(capsys):
    assert main(["explain", CASES["E2"][0]]) == 0
    assert "E2 " in capsys.readouterr().out
    assert main(["explain", "nothing windows about this message"]) == 2
    out = capsys.readouterr()
    assert "no known Windows failure" in out.err and "collect next:" in out.out


def test_audit_matcher_reads_every_status_place():
    from winkube.audit.core import _Matcher
    from winkube.failures import diagnose
    m = _Matcher()
    pod = {"status": {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
        "initContainerStatuses": [{"name": "init", "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}],
        "containerStatuses": [{"name": "app", "state": {"running": {}},
                               # int32 as the kubelet reports 0xC0000139 (3221225785)
                               "lastState": {"terminated": {"reason": "Error", "exitCode": -1073741511}}}]}}
    hits = m.pod(pod)
    assert hits == [("containerStatuses[app].lastState.terminated", "Error", "exit code -1073741511")]
    assert diagnose("Error: exit code -1073741511").top.entry.id == "E12"
    assert m.pod({"status": {"phase": "Running", "containerStatuses": [{"name": "a", "state": {"running": {}}}]}}) == []
    # a kubelet pull error of a Windows image: the Windows-build cause (E3) ranks first because the
    # message names an mcr.microsoft.com/windows image; a Linux image on a Windows node (E4) is the alternative
    ev = {"reason": "Failed", "message": 'Failed to pull image "mcr.microsoft.com/windows/nanoserver:ltsc2022": rpc error: '
          'code = NotFound desc = failed to pull and unpack image "mcr.microsoft.com/windows/nanoserver:ltsc2022": '
          "no match for platform in manifest: not found"}
    (where, reason, message), = m.event(ev)
    assert where == "Event Failed"
    d = diagnose(f"{reason}: {message}")
    assert d.top.entry.diagnosis == "host-build-not-matched" and "E4" in [c.entry.id for c in d.candidates]
