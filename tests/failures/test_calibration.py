"""How sure `explain` says it is (winkube/failures/calibrate.py, docs/explain.md "How sure"): high
only for a cause's own signature with no rival close, or when the context confirms it — never for
words that two causes share, nor for Windows' standard text of a status on its own."""
from __future__ import annotations

import pytest

from winkube.failures import catalogue, diagnose
from winkube.failures.calibrate import CODE_AGAINST, is_signature, residual
from winkube.failures.codes import written_values
from winkube.failures.context import facts_from_dict

from .realworld import all_messages

SHARED = [
    # the app image or the pause image: the same words (E2 / E71)
    "hcsshim::CreateComputeSystem web: The container operating system does not match the host operating system.",
    # a Linux image on Windows, or a Windows image without the host's build (E3 / E4)
    'Failed to pull image "registry.example/app:1": rpc error: code = NotFound desc = failed to pull and unpack image '
    '"registry.example/app:1": no match for platform in manifest: not found',
    # a bad gMSA, a Linux runAsUser, a mistyped runAsUserName (E200 / E201 / E202)
    "hcs::System::CreateProcess app: The user name or password is incorrect.",
    # two causes' words in one message (HNS network exists + attach namespace failed)
    "hnsCall failed in Win32: A network with this name already exists. The requested operation for attach namespace failed",
]

STATUS_TEXT_ONLY = [
    "New-SmbGlobalMapping : Multiple connections to a server or shared resource by the same user",
    "The requested operation for attach namespace failed",
    "hcsshim::CreateComputeSystem 1: Insufficient system resources exist to complete the requested service.",
    "ctr: hcsshim::CreateComputeSystem test-1: A virtual machine or container with the specified identifier already exists.",
]


@pytest.mark.parametrize("text", SHARED)
def test_words_two_causes_share_are_never_stated_surely(text):
    d = diagnose(text)
    assert d.top is not None and d.confidence != "high", (d.confidence, d.confidence_reason)
    rivals = {m.entry.diagnosis for m in d.candidates}
    assert len(rivals) >= 2, rivals  # the message really does fit more than one cause


@pytest.mark.parametrize("text", STATUS_TEXT_ONLY)
def test_windows_status_text_alone_is_not_a_signature(text):
    d = diagnose(text)
    assert d.top is not None and d.confidence != "high", (d.top.entry.id, d.confidence_reason)
    assert not d.top.signature


def test_context_makes_shared_words_sure():
    text = SHARED[1]
    linux = {"node_os": "windows", "node_build": 20348, "images": [{"ref": "registry.example/app:1", "os": "linux"}]}
    d = diagnose(text, facts_from_dict(linux))
    assert d.top.entry.diagnosis == "linux-image-on-windows" and d.confidence == "high"
    assert d.confidence_reason.startswith("confirmed: ")


def test_a_code_is_a_container_exit_only_when_the_message_says_so():
    helper = "NewSmbGlobalMapping failed. output: \"\", err: exit status 0xc0000142"
    assert diagnose(helper).confidence != "high"  # a helper process's exit status, not the container's
    d = diagnose("Last State: Terminated\n  Reason: Error\n  Exit Code: -1073741502")
    assert d.top.entry.diagnosis == "exit-dll-init-failed" and d.confidence == "high"


def test_a_signature_with_no_rival_is_stated_surely():
    d = diagnose('networkPlugin cni failed to set up pod "iis_default" network: failed to parse Kubernetes args: '
                 'pod does not have label vpc.amazonaws.com/PrivateIPv4Address')
    assert d.confidence == "high" and d.top.signature


def test_a_code_the_cause_does_not_print_counts_against_it():
    # kubernetes/kubernetes#100384 (failure_messages_2.yaml N006, reported in session 3's held-out fifth):
    # the API name is E132's, but E132 is about 0xe / 0x8007000e and this message says 0x803b001c
    msg = ('E0318 19:55:57.547539    3808 proxier.go:1188] Policy creation failed: hcnCreateLoadBalancer failed in Win32: '
           'The reference is invalid in the JSON document. (0x803b001c) {"Success":false,"Error":"The reference is '
           'invalid in the JSON document. A Reference is required","ErrorCode":2151350300} ')
    d = diagnose(msg)
    assert d.top.entry.id == "E132" and d.confidence != "high"
    assert "not one this cause prints" in d.confidence_reason
    same = diagnose(msg.replace("0x803b001c", "0xe").replace("2151350300", "14"))
    assert same.top.entry.id == "E132" and "not one this cause prints" not in same.confidence_reason


def test_numbers_that_are_not_the_messages_code_do_not_count_against_a_cause():
    # failure_messages.yaml M010 (Azure/acs-engine#2965) as pasted: cut inside its code, "(0xc" is not code 0xC
    cut = ('Failed create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod "x": '
           'Error response from daemon: container 7929bfd27250d5465496de2bb6a37c5e41d492488ca7c8362a07637b464b5e52 '
           'encountered an error during CreateContainer: failure in a Windows system call: The operating system of '
           'the container does not match the operating system of the host. (0xc')
    d = diagnose(cut)
    assert d.top.entry.id == "E10" and CODE_AGAINST not in d.top.because and d.confidence == "high"
    # hcsshim's vmcompute errors are the 0xC037xxxx form of winerror.h's HCS_E_* 0x8037xxxx (N034's
    # 0xc0370105 is HCS_E_INVALID_STATE, which E88 prints as 0x80370105)
    state = ('container 46527a779618ed4197babc79889886b540f352d72503656eda3c37c2f247c4a0 encountered an error during '
             'Start: failure in a Windows system call: The requested virtual machine or container operation is not '
             'valid in the current state. (0x{})')
    assert [diagnose(state.format(c)).top.because[-1] for c in ("c0370105", "80370105")] == \
        [diagnose(state.format("80370105")).top.because[-1]] * 2
    assert written_values(state.format("c0370105")) >= {0x80370105, 0xC0370105}
    # a Go stack trace's "+0x1d" is an offset into a function, not Win32 code 0x1D
    assert written_values("main.main()\n\t/src/main.go:10 +0x1d\n") == frozenset()
    # the Win32 code and its HRESULT_FROM_WIN32 are one code both ways round (E248 prints 0x80070002)
    launch = ("Enter-PSSession : Failed to launch PowerShell process (powershell.exe) inside container with id "
              "3a33177be3f1663be51bf9244c2a060bad18913585fe409058b71729d6eacc0c with error: {}")
    for written in ("2147942402", "The system cannot find the file specified. (0x2)"):
        d = diagnose(launch.format(written))
        assert d.top.entry.id == "E248" and CODE_AGAINST not in d.top.because, written
    # a size in bytes is not an HRESULT: 2 GiB reads as 0x80000000, which no code is (their code is never 0)
    assert written_values("memory limit of 2147483648 bytes (3221225472 requested)") == frozenset()
    assert written_values('{"Success":false,"ErrorCode":2151350300}') == {0x803B001C}


def test_signature_rules():
    assert residual("The system cannot find the file specified").strip() == ""
    assert not is_signature("The parameter is incorrect", 30, frozenset())
    assert not is_signature("CreateComputeSystem abc: Access is denied", 40, frozenset())  # the layer, not a cause
    assert is_signature("hcnCreateNetwork failed in Win32: The parameter is incorrect", 40, frozenset())
    assert is_signature("open /run/flannel/subnet.env", 20, frozenset())
    assert is_signature("(0x803b0010)", 0, frozenset({0x803B0010}))
    assert not is_signature("failed to do something quite long here", 10, frozenset())  # a short pattern's words


TEXTS = [(m["id"], m["message"]) for m in all_messages()] + [(e.id, e.example) for e in catalogue() if e.example]


@pytest.mark.parametrize("text", [t for _, t in TEXTS], ids=[i for i, _ in TEXTS])
def test_high_is_only_ever_a_signature_or_confirmed(text):
    """The invariant over every real message: no "high" from words alone that another cause shares."""
    d = diagnose(text)
    if d.confidence != "high":
        return
    top = d.top
    assert top.entry.exact and not top.capped
    assert top.confirmed or top.signature, top.entry.id
    if not top.confirmed:
        shared = [m.entry.id for m in d.candidates[1:] if m.entry.diagnosis != top.entry.diagnosis and m.entry.exact
                  and m.span[0] < top.span[1] and top.span[0] < m.span[1]
                  and (top.span[1] - top.span[0]) - (min(top.span[1], m.span[1]) - max(top.span[0], m.span[0])) < 12]
        assert not shared, (top.entry.id, shared)
