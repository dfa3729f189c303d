"""Linux paths in Windows pods and the accounts a Windows container runs as (issue 14): what the
kubelet, containerd and HCS really do with them. Real manifests from ../shared/corpus where they
exist (upstream's own Windows examples), small built pods for the edges."""
from __future__ import annotations

import pytest
from harness.controlplane import shared_dir

from lintkit import PREFIX, KINDS, WIN_IMAGE, WIN_REQUESTS, by_rule, ctr, findings, only, pod, windows_spec
from winkube.model.finding import Severity, Stage

WIN = shared_dir() / "corpus" / "real-windows"
ACCOUNT = "run-as-user-name-account"
PATHS = "container-path-on-windows"
SHELL = "linux-shell-in-windows-container"
AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.33"
BUSYBOX = "registry.k8s.io/e2e-test-images/busybox:1.29-2"
IIS = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"  # built FROM servercore: may add users


def corpus(name: str) -> str:
    path = WIN / name
    assert path.is_file(), f"corpus file missing: {path}"
    return path.read_text()


def win(*containers, **fields) -> dict:
    return pod(windows_spec(containers=list(containers), **fields))


def app(image: str = WIN_IMAGE, **extra) -> dict:
    return ctr(image=image, resources=WIN_REQUESTS, **extra)


def user(name: str) -> dict:
    return {"windowsOptions": {"runAsUserName": name}}


# --- run-as-user-name-account ---------------------------------------------------------------

def test_real_manifests_upstream_examples_run_as_image_accounts_and_pass():
    for name in ("kubernetes__website__content__en__examples__windows__run-as-username-pod.yaml",
                 "kubernetes__website__content__en__examples__windows__run-as-username-container.yaml",
                 "kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml"):
        assert not by_rule(findings(corpus(name)), ACCOUNT), name


def test_real_manifests_host_process_as_system_are_left_to_the_host_process_rule():
    for name in ("kubernetes-sigs__sig-windows-tools__hostprocess__calico__calico.yml",
                 "kubernetes-csi__csi-driver-smb__deploy__csi-smb-node-windows-hostprocess.yaml",
                 "prometheus-community__windows_exporter__kubernetes__windows-exporter-daemonset.yaml"):
        assert not by_rule(findings(corpus(name)), ACCOUNT), name


def test_real_manifest_with_a_domain_account_fails_where_the_name_is_written():
    # upstream's runAsUserName example, with the pod-level name changed to a domain user
    text = corpus("kubernetes__website__content__en__examples__windows__run-as-username-pod.yaml")
    f = only(findings(text.replace('"ContainerUser"', '"CONTOSO\\\\svc-web"')), ACCOUNT)
    assert (f.stage, f.severity) == (Stage.RUNTIME, Severity.ERROR)
    assert f.path_str == "spec.securityContext.windowsOptions.runAsUserName"
    assert "CONTOSO\\svc-web is a domain account" in f.message and "0x52e" in f.message and "E200" in f.message
    # the container-level name wins over the pod-level one
    text = corpus("kubernetes__website__content__en__examples__windows__run-as-username-container.yaml")
    f = only(findings(text.replace('"ContainerAdministrator"', '"CONTOSO\\\\svc-web"')), ACCOUNT)
    assert f.path_str == "spec.containers[0].securityContext.windowsOptions.runAsUserName"
    assert not by_rule(findings(text.replace('runAsUserName: "ContainerUser"', 'runAsUserName: "CONTOSO\\\\svc-web"')), ACCOUNT)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_domain_account_with_gmsa_still_cannot_log_on(kind):
    sc = {"windowsOptions": {"runAsUserName": "CONTOSO\\webapp01$", "gmsaCredentialSpecName": "webapp01"}}
    f = only(findings(KINDS[kind](windows_spec(securityContext=sc, containers=[app(IIS)]))), ACCOUNT)
    assert f.path_str == f"{PREFIX[kind]}.securityContext.windowsOptions.runAsUserName"
    assert "gMSA gives the container's own accounts the domain identity" in f.message


@pytest.mark.parametrize("name", ["ContainerUser", "containeradministrator", ".\\ContainerUser", "NT AUTHORITY\\SYSTEM",
                                  "NT AUTHORITY\\NETWORK SERVICE", "nt authority\\local service", "BUILTIN\\Administrators"])
def test_accounts_every_container_has_pass_on_any_image(name):
    assert not by_rule(findings(win(app(WIN_IMAGE, securityContext=user(name)), app(IIS, name="iis"))), ACCOUNT)


def test_a_made_up_local_name_fails_only_on_a_base_image_whose_accounts_are_known():
    found = findings(win(app(WIN_IMAGE, securityContext=user("appuser")), app(IIS, name="iis", securityContext=user("appuser")),
                         app("contoso/app:1.0", name="own", securityContext=user("appuser"))))
    f = only(found, ACCOUNT)  # the IIS image and the unknown one may have created the user (net user /add)
    assert f.path_str == "spec.containers[0].securityContext.windowsOptions.runAsUserName"
    assert "has no local user appuser to log on as (only ContainerUser, ContainerAdministrator)" in f.message


def test_a_pod_level_name_is_reported_once_naming_every_container():
    f = only(findings(win(app(WIN_IMAGE), app("mcr.microsoft.com/windows/nanoserver:ltsc2022", name="b"),
                          securityContext=user("appuser"))), ACCOUNT)
    assert f.path_str == "spec.securityContext.windowsOptions.runAsUserName" and f.message.startswith("containers app, b cannot start")


def test_names_the_api_server_refuses_are_left_to_the_admission_rule():
    found = findings(win(app(WIN_IMAGE), securityContext=user("A\\B\\C")))
    assert by_rule(found, "run-as-user-name-invalid") and not by_rule(found, ACCOUNT)


def test_linux_pods_are_not_judged():
    assert not by_rule(findings(pod(nodeSelector={"kubernetes.io/os": "linux"}, securityContext=user("CONTOSO\\svc"))), ACCOUNT)


def hp_user(name: str) -> dict:
    return {"windowsOptions": {"hostProcess": True, "runAsUserName": name}}


@pytest.mark.parametrize("name,why", [
    ("nt authority\\system", 'only when the domain is written "NT AUTHORITY"'),
    ("Nt Authority\\Local Service", 'only when the domain is written "NT AUTHORITY"'),
    ("CONTOSO\\svc-agent", "is a domain account, which a HostProcess container cannot log on as"),
    ("NT AUTHORITY\\system", None),  # hcsshim compares the domain, not the user, case-sensitively
    ("NT AUTHORITY\\Local service", None), ("hpc-users", None),  # a local group of the node (containerd 1.7+)
    ("ContainerAdministrator", None),  # host-process-container-account's
])
def test_host_process_accounts_as_hcsshim_logs_them_on(name, why):
    found = findings(win(app(WIN_IMAGE), hostNetwork=True, securityContext=hp_user(name)))
    hits = by_rule(found, ACCOUNT)
    if why is None:
        assert not hits
        return
    (f,) = hits
    assert f.path_str == "spec.securityContext.windowsOptions.runAsUserName" and why in f.message and "E264" in f.message


def test_real_manifests_host_process_with_the_domain_in_lower_case_fails():
    # sig-windows-tools' calico HostProcess DaemonSet writes "NT AUTHORITY\\system": fine; in lower case it is not
    text = corpus("kubernetes-sigs__sig-windows-tools__hostprocess__calico__calico.yml")
    assert '"NT AUTHORITY\\\\system"' in text and not by_rule(findings(text), ACCOUNT)
    found = by_rule(findings(text.replace('"NT AUTHORITY\\\\system"', '"nt authority\\\\system"')), ACCOUNT)
    assert found and all("case-sensitively" in f.message for f in found)


def test_explain_reads_the_host_process_logon_failure():
    from winkube.failures import diagnose
    d = diagnose("Error: failed to create containerd task: failed to create shim task: failed to create user process token: "
                 "failed to logon user: The user name or password is incorrect.: unknown")
    assert d.top is not None and d.top.entry.id == "E264"


# --- linux-shell-in-windows-container ------------------------------------------------------

def test_real_manifest_agnhost_started_as_slash_agnhost_is_a_windows_path_and_passes():
    # upstream's e2e images start /agnhost on Windows too (ENTRYPOINT ["/agnhost"]): C:\agnhost.exe
    text = corpus("microsoft__Windows-Containers__helpful_tools__NetworkPolicy__yaml__test-3-minimal-agnhost-pods.yaml")
    bound = text.replace('vm: "0"', 'kubernetes.io/os: windows')
    assert "kubernetes.io/os: windows" in bound and not by_rule(findings(bound), SHELL)
    # agnhost's Windows images are built on the e2e busybox: /bin/sh is C:\bin\sh.exe there
    assert not by_rule(findings(bound.replace("- /agnhost", "- /bin/sh")), SHELL)


@pytest.mark.parametrize("command,message", [
    (["/bin/sh", "-c", "./start.sh"], "a Linux shell"),
    (["bash", "-c", "x"], "a Linux shell"),
    (["/usr/bin/python3", "app.py"], "a program in a Linux system directory"),
    (["/usr/local/bin/node", "server.js"], "a program in a Linux system directory"),
])
def test_linux_commands_fail_on_windows_images(command, message):
    f = only(findings(win(app(WIN_IMAGE, command=command))), SHELL)
    assert f.path_str == "spec.containers[0].command[0]" and message in f.message and (f.stage, f.severity) == (Stage.RUNTIME, Severity.ERROR)


@pytest.mark.parametrize("image,command,reported", [
    (BUSYBOX, ["sh", "-c", "x"], False), (BUSYBOX, ["/bin/ls"], False), (AGNHOST, ["/bin/sh", "-c", "x"], False),
    (AGNHOST, ["/usr/bin/env"], True),  # busybox for Windows is in C:\bin only
    (WIN_IMAGE, ["/agnhost", "pause"], False), (WIN_IMAGE, ["/app/server.exe"], False),
    (WIN_IMAGE, ["cmd", "/c", "/bin/sh"], False),  # an argument is the program's business
])
def test_known_busybox_images_and_other_paths_under_root(image, command, reported):
    assert bool(by_rule(findings(win(app(image, command=command))), SHELL)) is reported


def test_real_manifest_ebs_csi_windows_pre_stop_hook_runs_the_linux_binary_path():
    # aws-ebs-csi-driver's Windows node DaemonSet kept the Linux preStop hook: its Windows images copy the
    # driver to C:\\aws-ebs-csi-driver.exe (Dockerfile, windows-ltsc* stages), the Linux one to /bin/
    f = only(findings(corpus("kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml")), SHELL)
    assert f.path_str == "spec.template.spec.containers[0].lifecycle.preStop.exec.command[0]"
    assert (f.stage, f.severity) == (Stage.RUNTIME, Severity.WARNING) and "FailedPreStopHook" in f.message
    assert "C:\\bin\\aws-ebs-csi-driver" in f.message


@pytest.mark.parametrize("field,where,severity,effect", [
    ("livenessProbe", ("exec",), Severity.ERROR, "restarts the container"),
    ("startupProbe", ("exec",), Severity.ERROR, "restarts the container"),
    ("readinessProbe", ("exec",), Severity.ERROR, "never ready"),
    ("lifecycle", ("postStart", "exec"), Severity.ERROR, "kills the container"),
    ("lifecycle", ("preStop", "exec"), Severity.WARNING, "without what the hook should do"),
])
def test_exec_probes_and_hooks_with_linux_shells(field, where, severity, effect):
    handler: dict = {"command": ["/bin/sh", "-c", "test -f /tmp/ready"]}
    for key in reversed(where):
        handler = {key: handler}
    f = only(findings(win(app(WIN_IMAGE, **{field: handler}))), SHELL)
    assert f.path_str == "spec.containers[0]." + ".".join((field,) + where) + ".command[0]"
    assert f.severity is severity and effect in f.message
    # the same probe in a Windows shell, or an httpGet probe, is fine
    ok = {field: {**handler, where[0]: {"exec": {"command": ["powershell", "-Command", "Test-Path C:\\ready"]}}}
          if len(where) > 1 else {"exec": {"command": ["cmd", "/c", "exit 0"]}}}
    assert not by_rule(findings(win(app(WIN_IMAGE, **ok))), SHELL)


# --- container-path-on-windows -----------------------------------------------------------------

def test_real_manifest_linux_style_mount_paths_land_on_c_and_pass():
    # upstream's emptyDir example mounts at /cache (C:\cache) and C:/scratch; CSI node plugins at /csi, /registration
    for name in ("kubernetes__website__content__en__examples__windows__emptydir-pod.yaml",
                 "kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node-windows.yaml",
                 "projectcalico__calico__manifests__calico-windows-vxlan.yaml"):  # HostProcess, relative workingDir
        assert not by_rule(findings(corpus(name)), PATHS), name


def test_real_manifest_a_mount_on_the_c_drive_itself_fails():
    text = corpus("kubernetes__website__content__en__examples__windows__emptydir-pod.yaml")
    f = only(findings(text.replace("mountPath: C:/scratch", "mountPath: 'C:'")), PATHS)
    assert f.path_str == "spec.containers[0].volumeMounts[1].mountPath" and (f.stage, f.severity) == (Stage.RUNTIME, Severity.ERROR)
    assert "destination path can not be C drive" in f.message


@pytest.mark.parametrize("wd,severity", [("D:\\app", Severity.ERROR), ("e:/work", Severity.ERROR), ("/app", Severity.INFO),
                                         ("\\app\\bin", Severity.INFO), ("/", None), ("C:\\app", None), ("c:/app", None),
                                         ("app", None), ("$(HOME)/x", None)])
def test_working_dir(wd, severity):
    found = by_rule(findings(win(app(WIN_IMAGE, workingDir=wd))), PATHS)
    assert [f.severity for f in found] == ([severity] if severity else [])
    if severity is Severity.INFO:
        assert f"C:{wd.replace('/', chr(92))} in the container" in found[0].message and "0x10b" in found[0].message


def test_a_volume_mounted_at_or_above_the_working_dir_makes_it_exist():
    vol = [{"name": "v", "emptyDir": {}}]
    for mount, wd in (("/data", "/data"), ("/data", "/data/logs"), ("C:\\Data", "/data"), ("D:", "D:\\app")):
        c = app(WIN_IMAGE, workingDir=wd, volumeMounts=[{"name": "v", "mountPath": mount}])
        assert not by_rule(findings(win(c, volumes=vol)), PATHS), (mount, wd)
    c = app(WIN_IMAGE, workingDir="/database", volumeMounts=[{"name": "v", "mountPath": "/data"}])
    assert by_rule(findings(win(c, volumes=vol)), PATHS)


def test_host_process_paths_are_the_hosts():
    hp = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}
    c = app(WIN_IMAGE, workingDir="D:\\agent", volumeMounts=[{"name": "v", "mountPath": "C:"}])
    assert not by_rule(findings(win(c, hostNetwork=True, securityContext=hp, volumes=[{"name": "v", "emptyDir": {}}])), PATHS)


def test_explain_names_the_c_drive_mount_that_the_rule_reports_before_deploy():
    # containerd's own error text (internal/cri/opts/spec_windows_opts.go parseMount), as the kubelet wraps it
    from winkube.failures import diagnose
    d = diagnose("Error: failed to create containerd container: destination path can not be C drive")
    assert d.top is not None and d.top.entry.id == "E262" and "container-path-on-windows" in d.top.entry.cause


@pytest.mark.parametrize("message", [
    # shapes assembled from the sources: the kubelet's probe / hook texts around containerd's exec error
    # (internal/cri/server/container_execsync.go) around hcsshim's CreateProcess error
    'Liveness probe errored: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "3f2a": '
    "hcs::System::CreateProcess 3f2a: The system cannot find the file specified.: unknown",
    'Exec lifecycle hook ([/bin/aws-ebs-csi-driver pre-stop-hook]) for Container "ebs-plugin" in Pod "ebs-csi-node-windows-x" '
    'failed - error: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "9c": '
    'hcs::System::CreateProcess 9c: The system cannot find the file specified.: unknown, message: ""',
])
def test_explain_and_audit_name_the_exec_failure_the_rule_reports_before_deploy(message):
    from winkube.failures import diagnose
    from winkube.failures.prefilter import may_match
    d = diagnose(message)
    assert may_match(message) and d.top is not None and d.top.entry.id == "E263", [(m.entry.id, m.score) for m in d.candidates[:3]]


def test_image_contents_rows_are_sourced_and_their_patterns_compile():
    import re

    from winkube.knowledge import load
    data = load("image_contents")
    assert data["every_container"]["source"] and data["domain_accounts"]["source"]
    for section in ("base_images", "linux_shells"):
        for row in data[section]:
            assert row["id"] and row["source"].strip() and re.compile(row["pattern"]), (section, row)
