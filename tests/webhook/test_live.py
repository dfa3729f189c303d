"""The live profile: Nodes and RuntimeClasses by list+watch from the real kube-apiserver, kept in
memory; a lost watch keeps the last profile in service and says so in /readyz and /metrics; the
watch comes back by itself. Reviews here are posted to the webhook directly (the API server path is
proven in test_e2e.py)."""
from __future__ import annotations

import time
import uuid

from harness.controlplane import write_kubeconfig

from .test_bad_input import _parse_prometheus
from .whkit import WIN2019_IMAGE, TcpProxy, WebhookProcess, pod, review

RUN = uuid.uuid4().hex[:6]
POOL = "winkube-e2e-pool"
TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}


def metrics(srv) -> dict:
    with srv.client() as c:
        return _parse_prometheus(c.get("/metrics").text)


def wait_for(cond, timeout=20.0, what=""):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_live_profile_follows_the_cluster_and_survives_a_lost_watch(control_plane, kube, register_node, tmp_path, wk_pki):
    register_node(f"wk-{RUN}-win22", os_name="windows", labels={POOL: RUN, "node.kubernetes.io/windows-build": "10.0.20348"},
                  taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}])
    port = int(control_plane.url.rsplit(":", 1)[1])
    proxy = TcpProxy(port).start()
    kubeconfig = write_kubeconfig(tmp_path / "kc", f"https://127.0.0.1:{proxy.port}", control_plane.pki.ca_cert,
                                  control_plane.admin_token, "winkube-test-admin")
    srv = WebhookProcess(tmp_path, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                         ["--kubeconfig", str(kubeconfig)], name="live")
    try:
        text = srv.wait("/readyz")
        assert text.startswith("ok (profile: live cluster https://127.0.0.1:")
        # the pod selects only our Windows Server 2022 pool and brings a 2019 image: certain to fail
        p = pod("w19", image=WIN2019_IMAGE, os={"name": "windows"}, tolerations=[TOL],
                nodeSelector={"kubernetes.io/os": "windows", POOL: RUN})
        with srv.client() as c:
            r = c.post("/validate", json=review(p)).json()["response"]
        # image-build-incompatible, or image-build-unsupported when the shared control plane has no 2019
        # node registered by another test (then no supported Windows Server and no pool runs it on 1.37)
        assert r["allowed"] is False and ("[image-build-incompatible]" in r["status"]["message"]
                                          or "[image-build-unsupported]" in r["status"]["message"]), r
        assert "10.0.20348" in r["status"]["message"]

        # a node added while watching: the profile follows (a 2019 pool under the same label)
        register_node(f"wk-{RUN}-win19", os_name="windows", labels={POOL: RUN, "node.kubernetes.io/windows-build": "10.0.17763"},
                      taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}],
                      node_info={"kernelVersion": "10.0.17763.6000", "osImage": "Windows Server 2019 Datacenter"})

        def allowed_now():
            with srv.client() as c:
                return c.post("/validate", json=review(p)).json()["response"]["allowed"]
        wait_for(allowed_now, what="the new Windows Server 2019 node to reach the profile")

        # the watch is lost: keep answering from the last profile, and say so
        proxy.cut()
        wait_for(lambda: metrics(srv).get("winkube_webhook_profile_stale") == 1, what="the profile to be reported stale")
        with srv.client() as c:
            ready = c.get("/readyz")
            assert ready.status_code == 200 and ready.text.startswith("ok (stale: the cluster watch is lost"), ready.text
            assert c.post("/validate", json=review(p)).json()["response"]["allowed"] is True  # from memory
            p22 = pod("w19-on-22", image=WIN2019_IMAGE, os={"name": "windows"}, tolerations=[TOL],
                      nodeSelector={"kubernetes.io/os": "windows", POOL: RUN, "node.kubernetes.io/windows-build": "10.0.20348"})
            assert c.post("/validate", json=review(p22)).json()["response"]["allowed"] is False
        assert metrics(srv)["winkube_webhook_watch_failures_total"] >= 1

        # the API server comes back: list again, watch again, fresh
        proxy = TcpProxy(port, proxy.port).start()
        wait_for(lambda: metrics(srv).get("winkube_webhook_profile_stale") == 0, timeout=40, what="the watch to come back")
        with srv.client() as c:
            assert c.get("/readyz").text.startswith("ok (profile: live cluster")
    finally:
        proxy.cut()
        assert srv.stop() == 0
        for n in (f"wk-{RUN}-win22", f"wk-{RUN}-win19"):
            kube.delete(f"/api/v1/nodes/{n}")


def test_live_mode_without_api_access_is_not_ready_but_answers(tmp_path, wk_pki, control_plane):
    port = TcpProxy(1).port  # nothing listens there
    kubeconfig = write_kubeconfig(tmp_path / "kc", f"https://127.0.0.1:{port}", control_plane.pki.ca_cert, "t", "u")
    srv = WebhookProcess(tmp_path, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                         ["--kubeconfig", str(kubeconfig)], name="unreachable")
    try:
        text = srv.wait("/readyz", want=503)
        assert text.startswith("not ready: no cluster profile yet")
        with srv.client() as c:
            r = c.post("/validate", json=review(pod())).json()["response"]
            assert r["allowed"] is True and "no cluster profile loaded yet" in r["warnings"][0]
    finally:
        assert srv.stop() == 0


def test_a_server_outside_the_range_is_named_not_silently_clamped(control_plane, kube, register_node, tmp_path, wk_pki,
                                                                  server_outside_range):
    """The real server runs v1.37.2; knowledge whose newest release is one older ($WINKUBE_KNOWLEDGE_DIR,
    newer data as a user ships it, not a mock) puts it outside the range. The webhook judges with the
    nearest release's rules and says so: in its log, in /readyz, and with the findings of a review
    (a warning line, the denial message, the audit annotation)."""
    from winkube.knowledge import OVERRIDE_ENV

    knowledge, newest, older, note = server_outside_range
    node = f"wk-{RUN}-range-win22"
    register_node(node, os_name="windows", labels={POOL: f"{RUN}-range", "node.kubernetes.io/windows-build": "10.0.20348"},
                  taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}])
    kubeconfig = write_kubeconfig(tmp_path / "kc", control_plane.url, control_plane.pki.ca_cert,
                                  control_plane.admin_token, "winkube-test-admin")
    try:
        srv = WebhookProcess(tmp_path, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                             ["--kubeconfig", str(kubeconfig)], name="range", env={OVERRIDE_ENV: str(knowledge)})
        try:
            assert srv.wait("/readyz").rstrip().endswith(f"; {note})")
            no_requests = pod("advice", os={"name": "windows"}, tolerations=[TOL], nodeSelector={"kubernetes.io/os": "windows"})
            no_requests["spec"]["containers"][0].pop("resources")
            certain = pod("w19", image=WIN2019_IMAGE, os={"name": "windows"}, tolerations=[TOL],
                          nodeSelector={"kubernetes.io/os": "windows", POOL: f"{RUN}-range"})
            with srv.client() as c:
                warned = c.post("/validate", json=review(no_requests)).json()["response"]
                denied = c.post("/validate", json=review(certain)).json()["response"]
            assert warned["allowed"] is True and f"winkube: {note}" in warned["warnings"], warned
            assert warned["auditAnnotations"]["context"] == note
            assert denied["allowed"] is False and denied["status"]["message"].endswith(f"; {note}"), denied
            assert note in srv.log.read_text()
            assert metrics(srv)["winkube_webhook_kube_version_outside_range"] == 1
        finally:
            assert srv.stop() == 0
        # --kube-version picks the release: the server's is not asked for, and nothing is said
        pinned = WebhookProcess(tmp_path, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                                ["--kubeconfig", str(kubeconfig), "--kube-version", older], name="pinned",
                                env={OVERRIDE_ENV: str(knowledge)})
        try:
            ready = pinned.wait("/readyz")
            assert ready.startswith("ok (profile: live cluster") and "outside" not in ready
            assert metrics(pinned)["winkube_webhook_kube_version_outside_range"] == 0
            with pinned.client() as c:
                warned = c.post("/validate", json=review(no_requests)).json()["response"]
            assert f"winkube: {note}" not in warned.get("warnings", []) and "context" not in warned["auditAnnotations"]
        finally:
            assert pinned.stop() == 0
    finally:
        kube.delete(f"/api/v1/nodes/{node}")
