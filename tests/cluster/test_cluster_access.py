"""winkube.cluster against the real kube-apiserver of the harness: kubeconfig variants, exec
credential plugins, in-cluster config, pagination, watch, 403 with the missing permission, and an
unreachable server. Nothing is mocked."""
from __future__ import annotations

import base64
import json
import os
import socket
import stat
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml

from winkube.cluster import Cluster, ClusterError, load_dump, parse_path

NS = "winkube-cluster-access"


def _kubeconfig(path: Path, server: str, user: dict, cluster_extra: dict | None = None, *, name="t",
                namespace: str | None = None, extra_contexts: list | None = None) -> Path:
    cluster = {"server": server}
    cluster.update(cluster_extra or {})
    ctx = {"cluster": name, "user": name}
    if namespace:
        ctx["namespace"] = namespace
    cfg = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": name, "cluster": cluster}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": ctx}] + list(extra_contexts or []),
        "current-context": name,
    }
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def _b64(p: Path) -> str:
    return base64.b64encode(p.read_bytes()).decode()


@pytest.fixture(scope="module")
def ns(namespace):
    return namespace(NS)


@pytest.fixture(scope="module")
def restricted_token(control_plane, kube, ns) -> str:
    """A real bound service-account token (TokenRequest API) of an account with no RBAC at all."""
    r = kube.post(f"/api/v1/namespaces/{ns}/serviceaccounts",
                  json={"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nobody"}})
    assert r.status_code in (201, 409), r.text
    r = kube.post(f"/api/v1/namespaces/{ns}/serviceaccounts/nobody/token",
                  json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                        "spec": {"expirationSeconds": 3600}})
    assert r.status_code == 201, r.text
    return r.json()["status"]["token"]


# ------------------------------------------------------------------------------ kubeconfig


def test_connect_with_the_harness_kubeconfig(control_plane):
    with Cluster.connect(str(control_plane.kubeconfig)) as c:
        v = c.version()
        assert v["gitVersion"].startswith(control_plane.version)
        assert c.context == "winkube-test" and c.server == control_plane.url
        assert c.get("/api/v1/namespaces/default")["metadata"]["name"] == "default"


def test_kubeconfig_env_merge_and_context_selection(control_plane, tmp_path, monkeypatch):
    ca = control_plane.pki.ca_cert
    good = _kubeconfig(tmp_path / "a", control_plane.url, {"token": control_plane.admin_token},
                       {"certificate-authority-data": _b64(ca)}, name="good", namespace="kube-system")
    bad = _kubeconfig(tmp_path / "b", control_plane.url, {"token": "not-a-token"},
                      {"certificate-authority-data": _b64(ca)}, name="bad")
    # first file wins current-context: "bad"; --context good picks the other file's context
    monkeypatch.setenv("KUBECONFIG", f"{bad}{os.pathsep}{good}")
    with pytest.raises(ClusterError) as e:
        Cluster.connect().version()
    assert e.value.status == 401 and "unauthorized" in str(e.value)
    with Cluster.connect(context="good") as c:
        assert c.version()["major"] == "1"
        assert c.namespace == "kube-system"
    with pytest.raises(ClusterError, match=r"context 'nope' not found .*contexts: bad, good"):
        Cluster.connect(context="nope")


def test_relative_ca_and_token_file_paths(control_plane, tmp_path):
    d = tmp_path / "conf"
    d.mkdir()
    (d / "ca.pem").write_bytes(control_plane.pki.ca_cert.read_bytes())
    (d / "token").write_text(control_plane.admin_token + "\n")
    kc = _kubeconfig(d / "config", control_plane.url, {"tokenFile": "token"}, {"certificate-authority": "ca.pem"})
    with Cluster.connect(str(kc)) as c:
        assert c.version()["major"] == "1"


def test_client_certificate_data_and_files(control_plane, tmp_path):
    pki = control_plane.pki
    data = _kubeconfig(tmp_path / "data", control_plane.url,
                       {"client-certificate-data": _b64(pki.client_cert), "client-key-data": _b64(pki.client_key)},
                       {"certificate-authority-data": _b64(pki.ca_cert)})
    files = _kubeconfig(tmp_path / "files", control_plane.url,
                        {"client-certificate": str(pki.client_cert), "client-key": str(pki.client_key)},
                        {"certificate-authority": str(pki.ca_cert)})
    for kc in (data, files):
        with Cluster.connect(str(kc)) as c:
            review = c.get("/apis/authentication.k8s.io/v1")  # any authenticated read
            assert review["groupVersion"] == "authentication.k8s.io/v1"
            nodes = list(c.list("/api/v1/nodes"))  # system:masters via the certificate's O
            assert isinstance(nodes, list)


def test_insecure_skip_tls_verify_and_missing_ca(control_plane, tmp_path):
    insecure = _kubeconfig(tmp_path / "i", control_plane.url, {"token": control_plane.admin_token},
                           {"insecure-skip-tls-verify": True})
    with Cluster.connect(str(insecure)) as c:
        assert c.version()["major"] == "1"
    strict = _kubeconfig(tmp_path / "s", control_plane.url, {"token": control_plane.admin_token})
    with pytest.raises(ClusterError, match="TLS verification failed"):
        Cluster.connect(str(strict)).version()


def test_tls_server_name(control_plane, tmp_path):
    # the serving certificate has SAN localhost and 127.0.0.1; "localhost" as SNI / verify name
    kc = _kubeconfig(tmp_path / "k", control_plane.url, {"token": control_plane.admin_token},
                     {"certificate-authority": str(control_plane.pki.ca_cert), "tls-server-name": "localhost"})
    with Cluster.connect(str(kc)) as c:
        assert c.version()["major"] == "1"
    kc = _kubeconfig(tmp_path / "w", control_plane.url, {"token": control_plane.admin_token},
                     {"certificate-authority": str(control_plane.pki.ca_cert), "tls-server-name": "wrong.example"})
    with pytest.raises(ClusterError, match="TLS verification failed"):
        Cluster.connect(str(kc)).version()


def test_bad_kubeconfigs_are_clear_errors(tmp_path, control_plane):
    with pytest.raises(ClusterError, match="does not exist"):
        Cluster.connect(str(tmp_path / "missing"))
    (tmp_path / "notyaml").write_text("clusters: [\n")
    with pytest.raises(ClusterError, match="not valid YAML"):
        Cluster.connect(str(tmp_path / "notyaml"))
    kc = _kubeconfig(tmp_path / "ap", control_plane.url, {"auth-provider": {"name": "gcp"}})
    with pytest.raises(ClusterError, match="auth-provider 'gcp'.*exec credential plugin"):
        Cluster.connect(str(kc))
    kc = _kubeconfig(tmp_path / "old", control_plane.url,
                     {"exec": {"apiVersion": "client.authentication.k8s.io/v1alpha1", "command": "x"}})
    with pytest.raises(ClusterError, match="v1alpha1.*not supported"):
        Cluster.connect(str(kc))


# ------------------------------------------------------------------------------ exec plugins


def _plugin(tmp_path: Path, api_version: str, token: str, *, expires_in: int | None, counter: Path,
            extra: str = "") -> Path:
    script = tmp_path / f"plugin-{api_version.rsplit('/', 1)[1]}"
    exp = ""
    if expires_in is not None:
        exp = (f'status["expirationTimestamp"] = (datetime.datetime.now(datetime.timezone.utc) + '
               f'datetime.timedelta(seconds={expires_in})).strftime("%Y-%m-%dT%H:%M:%SZ")')
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import datetime, json, os, sys
        info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
        assert info["apiVersion"] == {api_version!r}, info
        assert info["spec"]["interactive"] is False
        with open({str(counter)!r}, "a") as f:
            f.write(json.dumps(info) + "\\n")
        {extra}
        status = {{"token": os.environ["WINKUBE_TEST_TOKEN"]}}
        {exp}
        print(json.dumps({{"apiVersion": {api_version!r}, "kind": "ExecCredential", "status": status}}))
        """))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize("api_version", ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
def test_exec_plugin_token_is_cached_until_expiry(control_plane, tmp_path, api_version):
    counter = tmp_path / "calls"
    script = _plugin(tmp_path, api_version, control_plane.admin_token, expires_in=3600, counter=counter)
    user = {"exec": {"apiVersion": api_version, "command": str(script), "args": [],
                     "env": [{"name": "WINKUBE_TEST_TOKEN", "value": control_plane.admin_token}],
                     "interactiveMode": "Never", "provideClusterInfo": True}}
    kc = _kubeconfig(tmp_path / "kc", control_plane.url, user, {"certificate-authority": str(control_plane.pki.ca_cert)})
    with Cluster.connect(str(kc)) as c:
        for _ in range(3):
            assert c.version()["major"] == "1"
    calls = [json.loads(x) for x in counter.read_text().splitlines()]
    assert len(calls) == 1  # cached until expirationTimestamp
    assert calls[0]["spec"]["cluster"]["server"] == control_plane.url
    assert base64.b64decode(calls[0]["spec"]["cluster"]["certificate-authority-data"]) == control_plane.pki.ca_cert.read_bytes()


def test_exec_plugin_expired_credential_is_refreshed(control_plane, tmp_path):
    counter = tmp_path / "calls"
    api = "client.authentication.k8s.io/v1"
    script = _plugin(tmp_path, api, control_plane.admin_token, expires_in=0, counter=counter)
    user = {"exec": {"apiVersion": api, "command": str(script), "interactiveMode": "IfAvailable",
                     "env": [{"name": "WINKUBE_TEST_TOKEN", "value": control_plane.admin_token}]}}
    kc = _kubeconfig(tmp_path / "kc", control_plane.url, user, {"certificate-authority": str(control_plane.pki.ca_cert)})
    with Cluster.connect(str(kc)) as c:
        c.version()
        c.version()
    assert len(counter.read_text().splitlines()) == 2


def test_exec_plugin_rejected_token_is_retried_once_with_a_fresh_one(control_plane, tmp_path):
    # first call prints a bad token (no expiry → would be cached forever); the 401 forces one refresh
    counter = tmp_path / "calls"
    api = "client.authentication.k8s.io/v1beta1"
    extra = ('if sum(1 for _ in open(%r)) == 1: os.environ["WINKUBE_TEST_TOKEN"] = "bad"' % str(counter))
    script = _plugin(tmp_path, api, control_plane.admin_token, expires_in=None, counter=counter, extra=extra)
    user = {"exec": {"apiVersion": api, "command": str(script),
                     "env": [{"name": "WINKUBE_TEST_TOKEN", "value": control_plane.admin_token}]}}
    kc = _kubeconfig(tmp_path / "kc", control_plane.url, user, {"certificate-authority": str(control_plane.pki.ca_cert)})
    with Cluster.connect(str(kc)) as c:
        assert c.version()["major"] == "1"
    assert len(counter.read_text().splitlines()) == 2


def test_exec_plugin_client_certificate(control_plane, tmp_path):
    api = "client.authentication.k8s.io/v1"
    cert, key = control_plane.pki.client_cert.read_text(), control_plane.pki.client_key.read_text()
    script = tmp_path / "certplugin"
    script.write_text(f"#!{sys.executable}\nimport json\nprint(json.dumps({{'apiVersion': {api!r}, 'kind': 'ExecCredential', "
                      f"'status': {{'clientCertificateData': {cert!r}, 'clientKeyData': {key!r}}}}}))\n")
    script.chmod(0o755)
    kc = _kubeconfig(tmp_path / "kc", control_plane.url, {"exec": {"apiVersion": api, "command": str(script),
                                                                    "interactiveMode": "Never"}},
                     {"certificate-authority": str(control_plane.pki.ca_cert)})
    with Cluster.connect(str(kc)) as c:
        assert isinstance(list(c.list("/api/v1/nodes")), list)


def test_exec_plugin_failures(control_plane, tmp_path):
    ca = {"certificate-authority": str(control_plane.pki.ca_cert)}
    api = "client.authentication.k8s.io/v1"
    fail = tmp_path / "fail"
    fail.write_text("#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n")
    fail.chmod(0o755)
    kc = _kubeconfig(tmp_path / "a", control_plane.url, {"exec": {"apiVersion": api, "command": str(fail)}}, ca)
    with pytest.raises(ClusterError, match="exit code 3: token expired, run login"):
        Cluster.connect(str(kc)).version()
    kc = _kubeconfig(tmp_path / "b", control_plane.url,
                     {"exec": {"apiVersion": api, "command": "winkube-no-such-plugin", "installHint": "install it from X"}}, ca)
    with pytest.raises(ClusterError, match="not found\ninstall it from X"):
        Cluster.connect(str(kc)).version()
    wrong = tmp_path / "wrong"
    wrong.write_text("#!/bin/sh\necho '{\"apiVersion\": \"client.authentication.k8s.io/v1beta1\", "
                     "\"kind\": \"ExecCredential\", \"status\": {\"token\": \"x\"}}'\n")
    wrong.chmod(0o755)
    kc = _kubeconfig(tmp_path / "c", control_plane.url, {"exec": {"apiVersion": api, "command": str(wrong)}}, ca)
    with pytest.raises(ClusterError, match="answered apiVersion .*v1beta1"):
        Cluster.connect(str(kc)).version()


# ------------------------------------------------------------------------------ in-cluster


def test_in_cluster_service_account(control_plane, tmp_path, monkeypatch, kube, ns):
    r = kube.post(f"/api/v1/namespaces/{ns}/serviceaccounts",
                  json={"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "incluster"}})
    assert r.status_code in (201, 409)
    r = kube.post(f"/api/v1/namespaces/{ns}/serviceaccounts/incluster/token",
                  json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}})
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text(r.json()["status"]["token"])
    (sa / "ca.crt").write_bytes(control_plane.pki.ca_cert.read_bytes())
    (sa / "namespace").write_text(ns)
    host, port = control_plane.url.removeprefix("https://").rsplit(":", 1)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    assert Cluster.in_cluster_available(str(sa))
    with Cluster.in_cluster(str(sa)) as c:
        assert c.namespace == ns and c.context == "in-cluster"
        assert c.version()["major"] == "1"
        # the SA has no RBAC: a 403 naming the permission
        with pytest.raises(ClusterError) as e:
            list(c.list(f"/api/v1/namespaces/{ns}/pods"))
        assert e.value.permission == f'list "pods" in API group "" in namespace "{ns}"'
        # a rotated token file is read again
        (sa / "token").write_text(control_plane.admin_token)
        os.utime(sa / "token", (time.time() + 5, time.time() + 5))
        assert list(c.list(f"/api/v1/namespaces/{ns}/pods")) is not None


def test_no_kubeconfig_and_not_in_a_pod(tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ClusterError, match="no kubeconfig found .* not running in a pod"):
        Cluster.connect()


# ------------------------------------------------------------------------------ list, watch, errors


@pytest.fixture(scope="module")
def paged(kube, ns):
    """23 ConfigMaps labelled page=yes."""
    existing = {cm["metadata"]["name"] for cm in kube.get(f"/api/v1/namespaces/{ns}/configmaps").json()["items"]}
    for i in range(23):
        name = f"page-{i:02d}"
        if name not in existing:
            r = kube.post(f"/api/v1/namespaces/{ns}/configmaps",
                          json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"page": "yes"}}})
            assert r.status_code == 201, r.text
    return ns


def test_pagination_across_limits(control_plane, paged, ns):
    with Cluster.connect(str(control_plane.kubeconfig)) as c:
        first = c.get(f"/api/v1/namespaces/{ns}/configmaps?limit=5&labelSelector=page%3Dyes")
        assert len(first["items"]) == 5 and first["metadata"]["continue"]  # the server really pages
        for limit in (1, 5, 7, 23, 500, 0):
            names = [cm["metadata"]["name"] for cm in c.list(f"/api/v1/namespaces/{ns}/configmaps", limit=limit,
                                                             params={"labelSelector": "page=yes"})]
            assert names == [f"page-{i:02d}" for i in range(23)], limit
        items, rv = c.list_with_version(f"/api/v1/namespaces/{ns}/configmaps", limit=4, params={"labelSelector": "page=yes"})
        assert len(items) == 23 and rv.isdigit()


@pytest.fixture(scope="module")
def uncached_control_plane(kube_version):
    """A second kube-apiserver without the watch cache: lists are read from etcd, so a continue
    token really expires when etcd compacts past it (the watch cache would serve it from memory)."""
    from harness.controlplane import ControlPlane, ControlPlaneError, binaries_dir
    try:
        cp = ControlPlane.start(binaries_dir(kube_version), kube_version, extra_apiserver_args=["--watch-cache=false"])
    except ControlPlaneError as exc:
        pytest.fail(f"the second kube-apiserver could not be started:\n{exc}", pytrace=False)
    try:
        yield cp
    finally:
        cp.stop()


def test_expired_continue_token_restarts_the_list(uncached_control_plane):
    """A continue token from before an etcd compaction is refused with 410 Gone; the list restarts
    and still yields every item exactly once."""
    import httpx
    cp = uncached_control_plane
    path = "/api/v1/namespaces/default/configmaps"
    with cp.client() as kube, Cluster.connect(str(cp.kubeconfig)) as c:
        for i in range(10):
            assert kube.post(path, json={"apiVersion": "v1", "kind": "ConfigMap",
                                         "metadata": {"name": f"page-{i:02d}", "labels": {"page": "yes"}}}).status_code == 201
        it = c.list(path, limit=3, params={"labelSelector": "page=yes"})
        got = [next(it)["metadata"]["name"] for _ in range(3)]  # first page read
        stale = c.get(f"{path}?limit=3&labelSelector=page%3Dyes")["metadata"]["continue"]
        kube.post(path, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "churn"}})
        rev = int(httpx.post(f"{cp.etcd_url}/v3/kv/range", json={"key": base64.b64encode(b"/").decode()},
                             timeout=5).json()["header"]["revision"])
        r = httpx.post(f"{cp.etcd_url}/v3/kv/compaction", json={"revision": str(rev), "physical": True}, timeout=10)
        assert r.status_code == 200, r.text
        with pytest.raises(ClusterError) as e:  # the server really refuses the old token now
            c.get(f"{path}?limit=3&labelSelector=page%3Dyes&continue={stale}")
        assert e.value.status == 410
        got += [cm["metadata"]["name"] for cm in it]
        assert got == [f"page-{i:02d}" for i in range(10)]  # each once, in order


def test_watch_events(control_plane, kube, ns):
    with Cluster.connect(str(control_plane.kubeconfig)) as c:
        path = f"/api/v1/namespaces/{ns}/configmaps"
        _, rv = c.list_with_version(path, params={"labelSelector": "watch=me"})
        r = kube.post(path, json={"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "watched", "labels": {"watch": "me"}}, "data": {"a": "1"}})
        assert r.status_code == 201, r.text
        kube.patch(f"{path}/watched", json={"data": {"a": "2"}}, headers={"Content-Type": "application/merge-patch+json"})
        kube.delete(f"{path}/watched")
        t0 = time.monotonic()
        events = [(e["type"], e["object"]["metadata"]["name"])
                  for e in c.watch(path, rv, timeout_seconds=2, params={"labelSelector": "watch=me"}) if e["type"] != "BOOKMARK"]
        assert events == [("ADDED", "watched"), ("MODIFIED", "watched"), ("DELETED", "watched")]
        assert time.monotonic() - t0 < 30


def test_watch_with_a_bad_resource_version_is_a_clear_error(control_plane, ns):
    # (a 410 ERROR event needs the watch cache to have dropped the version, which a quiet test
    # cluster never does: its cache holds every event since start-up)
    with Cluster.connect(str(control_plane.kubeconfig)) as c:
        with pytest.raises(ClusterError, match=r"watch .*configmaps.*(400|resourceVersion)"):
            for _ in c.watch(f"/api/v1/namespaces/{ns}/configmaps", "not-a-version", timeout_seconds=2):
                pass


def test_forbidden_names_the_missing_permission(control_plane, restricted_token, tmp_path, ns):
    kc = _kubeconfig(tmp_path / "kc", control_plane.url, {"token": restricted_token},
                     {"certificate-authority": str(control_plane.pki.ca_cert)})
    with Cluster.connect(str(kc)) as c:
        assert c.version()["major"] == "1"  # /version is open to every authenticated user
        with pytest.raises(ClusterError) as e:
            list(c.list("/api/v1/nodes"))
        err = e.value
        assert err.status == 403 and err.forbidden and err.verb == "list"
        assert err.permission == 'list "nodes" in API group "" in the cluster scope'
        assert "missing permission to list 'nodes'" in str(err) and "at the cluster scope" in str(err)
        assert f"system:serviceaccount:{ns}:nobody" in str(err)  # the server's own words are kept
        with pytest.raises(ClusterError) as e:
            list(c.list(f"/apis/apps/v1/namespaces/{ns}/deployments"))
        assert e.value.permission == f'list "deployments" in API group "apps" in namespace "{ns}"'
        with pytest.raises(ClusterError) as e:
            c.get("/apis/node.k8s.io/v1/runtimeclasses/x")
        assert e.value.verb == "get" and e.value.resource.resource == "runtimeclasses"
        with pytest.raises(ClusterError) as e:
            list(c.watch("/api/v1/pods", "0", timeout_seconds=1))
        assert e.value.permission == 'watch "pods" in API group "" in the cluster scope'


def test_not_found(control_plane):
    with Cluster.connect(str(control_plane.kubeconfig)) as c:
        with pytest.raises(ClusterError) as e:
            c.get("/api/v1/namespaces/default/pods/does-not-exist")
        assert e.value.status == 404 and "not found" in str(e.value)


def test_unreachable_server_fails_fast(tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    kc = _kubeconfig(tmp_path / "c", f"https://127.0.0.1:{port}", {"token": "x"}, {"insecure-skip-tls-verify": True})
    t0 = time.monotonic()
    with pytest.raises(ClusterError, match="cannot connect"):
        Cluster.connect(str(kc), timeout=1.0).version()
    assert time.monotonic() - t0 < 5

    # a server that accepts the connection and never answers (black hole): the timeout applies
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(8)
    conns = []
    stop = threading.Event()

    def accept():
        hole.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(hole.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        kc = _kubeconfig(tmp_path / "h", f"https://127.0.0.1:{hole.getsockname()[1]}", {"token": "x"},
                         {"insecure-skip-tls-verify": True})
        t0 = time.monotonic()
        with pytest.raises(ClusterError, match=r"timed out after 0.5s"):
            Cluster.connect(str(kc), timeout=0.5).version()
        assert time.monotonic() - t0 < 5
    finally:
        stop.set()
        t.join()
        hole.close()
        for s in conns:
            s.close()


def test_parse_path():
    r = parse_path("/apis/apps/v1/namespaces/x/deployments/web/scale?dryRun=All")
    assert (r.group, r.version, r.resource, r.namespace, r.name) == ("apps", "v1", "deployments/scale", "x", "web")
    r = parse_path("/api/v1/nodes")
    assert (r.group, r.resource, r.namespace) == ("", "nodes", None)
    assert parse_path("/version") is None


def test_load_dump_groups_by_kind_and_types_raw_list_items(tmp_path):
    # `kubectl get -o json` lists carry kind on items; a raw API PodList does not
    (tmp_path / "pods.json").write_text(json.dumps({
        "apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "5"},
        "items": [{"metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}]}))
    (tmp_path / "all.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Node, metadata: {name: n1}}
        - {apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: x}}
        """))
    out = load_dump([str(tmp_path)])
    assert [p["metadata"]["name"] for p in out["Pod"]] == ["a"] and out["Pod"][0]["apiVersion"] == "v1"
    assert set(out) == {"Pod", "Node", "Deployment"}
    (tmp_path / "bad.yaml").write_text("a: [\n")
    with pytest.raises(ClusterError, match="bad.yaml"):
        load_dump([str(tmp_path)])
    errors: list[str] = []
    assert set(load_dump([str(tmp_path)], errors)) == {"Pod", "Node", "Deployment"} and errors


def test_iter_dump_streams_json_lists_in_any_key_order(tmp_path):
    from winkube.cluster import iter_dump
    # kubectl writes apiVersion, items, kind, metadata — a raw PodList's kind may follow its items
    (tmp_path / "a.json").write_text(
        '{"apiVersion": "v1", "items": [{"metadata": {"name": "p1"}}, {"kind": "Pod", "metadata": {"name": "p2"}}],'
        ' "kind": "PodList", "metadata": {}}')
    (tmp_path / "b.json").write_text('{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n"}}')
    (tmp_path / "c.json").write_text('{"apiVersion": "v1", "kind": "List", "items": []}')
    errors: list[str] = []
    got = [(o["kind"], o["metadata"]["name"]) for o in iter_dump([str(tmp_path)], errors)]
    assert sorted(got) == [("Node", "n"), ("Pod", "p1"), ("Pod", "p2")] and errors == []
    (tmp_path / "d.json").write_text('{"kind": "List", "items": [\n{"kind": "Pod"},\n{"kind": "Pod", oops}\n]}')
    errors = []
    list(iter_dump([str(tmp_path / "d.json")], errors))
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'd.json'}:3: invalid JSON")
