"""End to end: the real kube-apiserver calls the webhook over TLS; what a client sees — the denial,
the Warning headers, the patched object — is asserted exactly as the API server returns it."""
from __future__ import annotations

import httpx

from .whkit import LINUX_IMAGE, PLAIN_IMAGE, WIN2019_IMAGE, WIN_IMAGE, deployment, pod, warnings_of

WIN_TOLERATION = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}
DENIED = 'admission webhook "validate.winkube.io" denied the request: winkube: '


def create(kube: httpx.Client, ns: str, obj: dict, dry_run: bool = False) -> httpx.Response:
    kind = obj["kind"]
    base = f"/api/v1/namespaces/{ns}/pods" if kind == "Pod" else f"/apis/apps/v1/namespaces/{ns}/deployments"
    return kube.post(base, json=obj, params={"dryRun": "All"} if dry_run else None)


def test_windows_image_that_can_only_land_on_linux_is_denied(kube, e2e):
    r = create(kube, e2e.plain, pod("win-on-linux"))
    assert r.status_code == 403, r.text
    status = r.json()
    assert status["kind"] == "Status" and status["reason"] == "Forbidden"
    assert status["message"].startswith(DENIED + f"Pod {e2e.plain}/win-on-linux would fail on every node it can land on")
    assert "[windows-pod-can-land-on-linux] spec.nodeSelector" in status["message"]
    assert kube.get(f"/api/v1/namespaces/{e2e.plain}/pods/win-on-linux").status_code == 404


def test_deployment_template_is_denied_with_template_paths(kube, e2e):
    r = create(kube, e2e.plain, deployment("win-dep"))
    assert r.status_code == 403, r.text
    assert "[windows-pod-can-land-on-linux] spec.template.spec.nodeSelector" in r.json()["message"]


def test_well_placed_windows_pod_is_created_with_warnings(kube, e2e):
    p = pod("win-ok", nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOLERATION])
    r = create(kube, e2e.plain, p)
    assert r.status_code == 201, r.text
    assert warnings_of(r) == [
        "winkube set-os-name (practice): spec.os: bound for Windows but spec.os.name is not windows: "
        "set it so the API server and kubelet check the pod as a Windows pod"]


def test_certain_build_mismatch_is_denied_and_uncertain_problems_only_warned(kube, e2e):
    # a Windows Server 2019 image, steered to Windows: the profile's 2022 and 2025 pools cannot run
    # it in process isolation, and it can land nowhere else: certain, denied (on 1.37, which supports
    # 2022 and 2025 only, that is image-build-unsupported: no supported Windows Server runs it)
    r = create(kube, e2e.plain, pod("w2019", image=WIN2019_IMAGE, nodeSelector={"kubernetes.io/os": "windows"},
                                    tolerations=[WIN_TOLERATION], os={"name": "windows"}))
    assert r.status_code == 403, r.text
    assert "[image-build-unsupported]" in r.json()["message"]
    # an unknown image, no OS targeting, tolerating the Windows taint: it may land on either OS: a warning only
    r = create(kube, e2e.plain, pod("anywhere", image=PLAIN_IMAGE, tolerations=[WIN_TOLERATION]), dry_run=True)
    assert r.status_code == 201, r.text
    assert any(w.startswith("winkube no-os-targeting (scheduling)") for w in warnings_of(r)), warnings_of(r)


def test_dry_run_is_answered_the_same_way(kube, e2e):
    r = create(kube, e2e.plain, pod("dry-win"), dry_run=True)
    assert r.status_code == 403 and r.json()["message"].startswith(DENIED)
    p = pod("dry-ok", nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOLERATION])
    r = create(kube, e2e.plain, p, dry_run=True)
    assert r.status_code == 201 and any("set-os-name" in w for w in warnings_of(r))
    assert kube.get(f"/api/v1/namespaces/{e2e.plain}/pods/dry-ok").status_code == 404


def test_excluded_namespace_and_label_are_not_checked(kube, e2e):
    r = create(kube, e2e.excluded, pod("ignored-ns"))
    assert r.status_code == 201 and warnings_of(r) == [], r.text
    p = pod("ignored-label")
    p["metadata"]["labels"] = {"winkube.io/skip": "true"}
    r = create(kube, e2e.plain, p)
    assert r.status_code == 201 and warnings_of(r) == [], r.text


def test_update_that_introduces_a_certain_failure_is_denied(kube, e2e):
    d = deployment("lin-dep", image=LINUX_IMAGE, nodeSelector={"kubernetes.io/os": "linux"})
    r = create(kube, e2e.plain, d)
    assert r.status_code == 201, r.text
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": WIN_IMAGE}]}}}}
    r = kube.patch(f"/apis/apps/v1/namespaces/{e2e.plain}/deployments/lin-dep", json=patch,
                   headers={"Content-Type": "application/strategic-merge-patch+json"})
    assert r.status_code == 403, r.text
    assert "spec.template.spec.containers[0].image" in r.json()["message"]
    # an update that changes nothing placement-related goes through
    r = kube.patch(f"/apis/apps/v1/namespaces/{e2e.plain}/deployments/lin-dep", json={"metadata": {"labels": {"x": "y"}}},
                   headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text


def test_ephemeral_container_with_a_windows_image_on_a_linux_pod_is_denied(kube, e2e):
    p = pod("lin-pod", image=LINUX_IMAGE, nodeSelector={"kubernetes.io/os": "linux"})
    r = create(kube, e2e.plain, p)
    assert r.status_code == 201, r.text
    url = f"/api/v1/namespaces/{e2e.plain}/pods/lin-pod"

    def add_debug_container(image):
        for _ in range(10):  # a kube-scheduler started by other tests may bind the pod meanwhile: retry on 409
            current = kube.get(url).json()
            current["spec"]["ephemeralContainers"] = [{"name": "debug", "image": image, "targetContainerName": "c"}]
            r = kube.put(url + "/ephemeralcontainers", json=current)
            if r.status_code != 409:
                return r
        return r

    r = add_debug_container(WIN_IMAGE)
    assert r.status_code == 403, r.text
    assert "spec.ephemeralContainers[0].image" in r.json()["message"]
    r = add_debug_container(LINUX_IMAGE)
    assert r.status_code == 200, r.text


# --- mutation -----------------------------------------------------------------------------------

def test_windows_pod_is_repaired_in_an_opted_in_namespace(kube, e2e):
    r = create(kube, e2e.mutate, pod("repaired"))
    assert r.status_code == 201, r.text
    spec = r.json()["spec"]
    assert spec["os"] == {"name": "windows"}
    assert spec["nodeSelector"] == {"kubernetes.io/os": "windows"}
    assert WIN_TOLERATION in spec["tolerations"]
    # the validating webhook saw the repaired pod: no denial, and no set-os-name warning
    assert not any("set-os-name" in w or "can-land-on-linux" in w for w in warnings_of(r)), warnings_of(r)


def test_pod_label_opts_in_outside_opted_in_namespaces(kube, e2e):
    p = pod("pod-opt-in")
    p["metadata"]["labels"] = {"winkube.io/mutate": "enabled"}
    r = create(kube, e2e.plain, p)
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["nodeSelector"] == {"kubernetes.io/os": "windows"}


def test_user_intent_is_kept_and_only_missing_parts_are_added(kube, e2e):
    p = pod("partial", nodeSelector={"team": "a", "kubernetes.io/os": "windows"},
            tolerations=[{"key": "other", "operator": "Exists", "effect": "NoSchedule"}])
    r = create(kube, e2e.mutate, p)
    assert r.status_code == 201, r.text
    spec = r.json()["spec"]
    assert spec["nodeSelector"] == {"team": "a", "kubernetes.io/os": "windows"}
    assert spec["tolerations"][0] == {"key": "other", "operator": "Exists", "effect": "NoSchedule"}
    assert WIN_TOLERATION in spec["tolerations"]
    assert spec["os"] == {"name": "windows"}


def test_os_name_is_not_set_when_the_api_server_would_reject_it(kube, e2e):
    # runAsUser (a Linux-only field) is forbidden with spec.os.name: windows: the pod is still
    # steered to Windows, and it is really created.
    p = pod("linux-fields", securityContext={"runAsUser": 1000})
    r = create(kube, e2e.mutate, p)
    assert r.status_code == 201, r.text
    spec = r.json()["spec"]
    assert "os" not in spec
    assert spec["nodeSelector"] == {"kubernetes.io/os": "windows"}
    assert any("spec.os.name: windows was not set" in w for w in warnings_of(r)), warnings_of(r)


def test_linux_only_pod_gets_a_linux_selector(kube, e2e):
    r = create(kube, e2e.mutate, pod("lin", image=LINUX_IMAGE))
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert "os" not in r.json()["spec"]


def test_fully_specified_pod_is_left_alone(kube, e2e):
    p = pod("complete", os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOLERATION])
    r = create(kube, e2e.mutate, p)
    assert r.status_code == 201, r.text
    spec = r.json()["spec"]
    assert spec["nodeSelector"] == {"kubernetes.io/os": "windows"}
    assert [t for t in spec["tolerations"] if t.get("key") == "os"] == [WIN_TOLERATION]


def test_unknown_image_without_targeting_is_not_mutated(kube, e2e):
    r = create(kube, e2e.mutate, pod("unknown", image=PLAIN_IMAGE))
    assert r.status_code == 201, r.text
    assert "nodeSelector" not in r.json()["spec"]


def test_every_mutated_pod_is_accepted_by_the_api_server(kube, e2e):
    """Generated pods (seeded): each one the API server accepts unmutated (checked in the excluded
    namespace, where no webhook runs) is created for real in the opted-in namespace: the patched pod
    is never rejected by the API server (a 4xx other than winkube's own certain-failure denial)."""
    import random

    rnd = random.Random(20261127)
    images = [WIN_IMAGE, WIN2019_IMAGE, LINUX_IMAGE, PLAIN_IMAGE, "mcr.microsoft.com/windows/nanoserver:ltsc2025"]
    secs = [None, {"runAsUser": 1000}, {"seLinuxOptions": {"level": "s0"}}, {"windowsOptions": {"runAsUserName": "ContainerUser"}},
            {"sysctls": [{"name": "kernel.shm_rmid_forced", "value": "1"}]}, {"fsGroup": 2000}]
    created = denied = 0
    for i in range(60):
        spec = {"containers": [{"name": f"c{j}", "image": rnd.choice(images)} for j in range(rnd.randint(1, 2))]}
        if rnd.random() < 0.5:
            spec["securityContext"] = rnd.choice(secs)
        if rnd.random() < 0.3:
            spec["containers"][0]["securityContext"] = {"runAsNonRoot": True} if rnd.random() < 0.5 else {"privileged": False}
        if rnd.random() < 0.3:
            spec["nodeSelector"] = rnd.choice([{"team": "a"}, {"kubernetes.io/os": "windows"}, {"kubernetes.io/os": "linux"}])
        if rnd.random() < 0.3:
            spec["tolerations"] = [rnd.choice([WIN_TOLERATION, {"key": "x", "operator": "Exists"}])]
        if rnd.random() < 0.2:
            spec["os"] = {"name": rnd.choice(["windows", "linux"])}
        spec = {k: v for k, v in spec.items() if v is not None}
        obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"gen-{i}"}, "spec": spec}
        plain = create(kube, e2e.excluded, obj, dry_run=True)
        if plain.status_code != 201:
            continue  # invalid before any mutation: not the webhook's doing
        r = create(kube, e2e.mutate, obj)
        if r.status_code == 403 and r.json()["message"].startswith(DENIED):
            denied += 1
            continue
        assert r.status_code == 201, (spec, r.status_code, r.text)
        created += 1
    print(f"\nmutated pods created for real: {created}; denied by winkube as certain failures: {denied}")
    assert created >= 25, (created, denied)
