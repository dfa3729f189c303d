"""winkube.cluster against a hostile API server (issue 10, attack 9): every request and every watch
ends by its deadline however slowly the server sends, bodies, pages and watch lines are bounded,
and every malformed shape is a ClusterError, never a traceback.

The server is tests/hostile_http.py on 127.0.0.1, not the harness's kube-apiserver: a real API
server never trickles bytes, loops continue tokens or sends endless lines. The exec plugins are
real subprocesses."""
from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from hostile_http import HostileServer
from winkube.cluster import Cluster, ClusterError

TOKEN = "hostile-Bearer-t0ken-never-printed"


def _cluster(tmp_path: Path, server: str, *, timeout: float = 1.0, user: dict | None = None) -> Cluster:
    kc = tmp_path / "kubeconfig"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "h",
        "clusters": [{"name": "h", "cluster": {"server": server}}],
        "users": [{"name": "h", "user": user or {"token": TOKEN}}],
        "contexts": [{"name": "h", "context": {"cluster": "h", "user": "h"}}]}))
    return Cluster.connect(str(kc), timeout=timeout)


def _elapsed(fn) -> tuple[float, BaseException | None]:
    t0 = time.monotonic()
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - returned for the test to judge
        return time.monotonic() - t0, e
    return time.monotonic() - t0, None


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


# ------------------------------------------------------------------------------ deadlines


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_server_cannot_stretch_a_request_past_its_timeout(tmp_path, where):
    """Attack: /version trickled one byte every 50 ms took 60 s under --request-timeout 5 (each
    read succeeds, so a per-read timeout never fires). Bound now: the request timeout, wall clock."""
    body = json.dumps({"major": "1", "minor": "37", "gitVersion": "v1.37.2", "pad": "x" * 400}).encode()

    def handler(req, conn):
        if where == "body":
            conn.send(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode())
            conn.trickle(body, 0.05)
        else:
            conn.trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\n", 0.05)

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url, timeout=1.0) as c:
        took, err = _elapsed(c.version)
    assert isinstance(err, ClusterError), err
    assert "timed out after 1s" in str(err)
    assert took < 3.0, f"took {took:.1f}s under a 1s request timeout"  # main: 20 s (body) or more


def test_retry_after_is_capped_by_the_request_timeout(tmp_path):
    """Attack: 429 with Retry-After: 60 on every answer. Bound now: the request timeout (no wait
    that would end past it is started)."""
    with HostileServer(lambda req, conn: conn.respond(429, b"{}", {"Retry-After": "60"})) as srv, \
            _cluster(tmp_path, srv.url, timeout=2.0) as c:
        took, err = _elapsed(c.version)
    assert isinstance(err, ClusterError) and err.status == 429, err
    assert "retry after 60s, past the 2s request timeout" in str(err)
    assert took < 2.0 and len(srv.requests) == 1  # no wait was started (main: 3 waits of 5 s)


def test_a_watch_that_trickles_events_ends_by_its_deadline(tmp_path):
    """Attack: a watch stream that sends a bookmark every 100 ms forever never trips a read
    timeout. Bound now: timeoutSeconds + the request timeout."""
    def handler(req, conn):
        conn.send(CHUNKED)
        line = json.dumps({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "7"}}}).encode() + b"\n"
        for _ in range(300):  # 30 s on today's main, which has no deadline
            if not conn.send(_chunk(line)):
                return
            time.sleep(0.1)

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url, timeout=1.0) as c:
        events = []
        took, err = _elapsed(lambda: events.extend(c.watch("/api/v1/nodes", "1", timeout_seconds=1)))
    assert isinstance(err, ClusterError) and "timed out after 2s" in str(err), err
    assert 1.5 < took < 5.0 and len(events) >= 5  # main: 30 s


# ------------------------------------------------------------------------------ sizes and pages


def test_an_endless_list_body_is_cut_at_the_response_cap(tmp_path):
    """Attack: a list body that never ends grew to MemoryError. Bound now: max_response_bytes
    (256 MiB by default; 4 MiB here so the test is quick), memory measured below 2x it."""
    def handler(req, conn):
        conn.send(CHUNKED + _chunk(b'{"kind":"List","items":['))
        item = _chunk(b'{"metadata":{"name":"' + b"n" * 65000 + b'"}},')
        for _ in range(1024):  # 64 MiB, then stop (today's main reads it all)
            if not conn.send(item):
                return

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url, timeout=30.0) as c:
        c.max_response_bytes = 4 * 1024 * 1024
        tracemalloc.start()
        try:
            took, err = _elapsed(lambda: list(c.list("/api/v1/pods")))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert isinstance(err, ClusterError) and "over 4 MiB" in str(err), err
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("tokens", ["new", "same"])
def test_an_endless_continue_is_stopped(tmp_path, tokens):
    """Attack: a list whose every page has a new continue token ran 3,298 pages (and on).
    Bound now: max_pages (10,000 by default; 50 here); a token seen before stops at once."""
    def handler(req, conn):
        n = len(srv.requests)
        token = f"t{n}" if tokens == "new" else "again"
        meta = {"continue": token} if n < 500 else {}  # today's main would go on forever: stop at 500
        conn.respond(200, json.dumps({"kind": "PodList", "metadata": meta, "items": []}).encode())

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url) as c:
        c.max_pages = 50
        took, err = _elapsed(lambda: list(c.list("/api/v1/pods")))
    assert isinstance(err, ClusterError), err
    if tokens == "new":
        assert "past 50 pages" in str(err) and len(srv.requests) == 50
    else:
        assert "continue token it had sent before" in str(err) and len(srv.requests) == 2


@pytest.mark.parametrize("page, what", [
    ({"items": [1]}, "items[0] is not an object"),
    ({"items": [{"metadata": {"uid": "a"}}, "x"], "metadata": {"continue": "c"}}, "items[1] is not an object"),
    ({"items": "pods"}, "items is not an array"),
    ({"items": [], "metadata": ["x"]}, "metadata is not an object"),
    ({"items": [{"metadata": 3}]}, "items[0].metadata is not an object"),
    ({"items": [], "metadata": {"continue": 5}}, "metadata.continue is not a string"),
])
def test_a_malformed_list_is_a_clear_error(tmp_path, page, what):
    """Attack: a non-dict `items` entry was a traceback (AttributeError)."""
    with HostileServer(lambda req, conn: conn.respond(200, json.dumps(page).encode())) as srv, \
            _cluster(tmp_path, srv.url) as c:
        with pytest.raises(ClusterError, match="is not a Kubernetes list: " + what.replace("[", r"\[").replace("]", r"\]")):
            list(c.list("/api/v1/pods"))


def test_an_endless_watch_line_is_cut_at_the_line_cap(tmp_path):
    """Attack: one watch line that never ends took the webhook to 2.8 GB. Bound now:
    max_watch_line (16 MiB by default; 1 MiB here), memory measured below 4x it."""
    def handler(req, conn):
        conn.send(CHUNKED + _chunk(b'{"type":"ADDED","object":{"metadata":{"name":"'))
        for _ in range(1024):  # 64 MiB, then stop
            if not conn.send(_chunk(b"a" * 65536)):
                return

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url, timeout=30.0) as c:
        c.max_watch_line = 1024 * 1024
        tracemalloc.start()
        try:
            took, err = _elapsed(lambda: list(c.watch("/api/v1/nodes", "1", timeout_seconds=5)))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert isinstance(err, ClusterError) and "line longer than 1048576 bytes" in str(err), err
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("line, what", [
    (b"[1]", "not {\"type\""), (b'{"type": "ADDED", "object": 3}', "not {\"type\""),
    (b'{"type": "ADDED"', "not JSON"), (b"[" * 100000, "not JSON"),
])
def test_a_malformed_watch_event_is_a_clear_error(tmp_path, line, what):
    def handler(req, conn):
        conn.send(CHUNKED + _chunk(line + b"\n") + b"0\r\n\r\n")

    with HostileServer(handler) as srv, _cluster(tmp_path, srv.url) as c:
        with pytest.raises(ClusterError, match=what.replace("{", r"\{")):
            list(c.watch("/api/v1/nodes", "1", timeout_seconds=1))


# ------------------------------------------------------------------------------ exec plugins


def _plugin(tmp_path: Path, body: str) -> dict:
    script = tmp_path / "plugin"
    script.write_text(f"#!{sys.executable}\nimport json, sys\n{body}\n")
    script.chmod(0o755)
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(script), "interactiveMode": "Never"}}


def test_exec_plugin_output_is_never_quoted(tmp_path):
    """Attack: a plugin printing a valid ExecCredential and one more line had the first 200 bytes
    of its output — the token — quoted in the error."""
    cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": TOKEN}}
    user = _plugin(tmp_path, f"print(json.dumps({cred!r}))\nprint('one more line')")
    with HostileServer(lambda req, conn: conn.respond(200, b"{}")) as srv, _cluster(tmp_path, srv.url, user=user) as c:
        with pytest.raises(ClusterError) as e:
            c.version()
    assert "did not print one ExecCredential JSON object (Extra data at line 2" in str(e.value)
    assert TOKEN not in str(e.value) and TOKEN not in repr(e.value.args)
    assert not srv.requests  # nothing was sent


def test_exec_plugin_stdout_is_bounded(tmp_path):
    """Attack: an endless plugin stdout grew to MemoryError. Bound now: 1 MiB read, then the
    plugin is killed (this one prints 64 MiB and would exit)."""
    user = _plugin(tmp_path, "out = sys.stdout.buffer\nfor _ in range(1024):\n    out.write(b'x' * 65536)")
    with HostileServer(lambda req, conn: conn.respond(200, b"{}")) as srv, _cluster(tmp_path, srv.url, user=user) as c:
        tracemalloc.start()
        try:
            took, err = _elapsed(c.version)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert isinstance(err, ClusterError) and "printed more than 1024 KiB" in str(err), err
    assert peak < 8 * 1024 * 1024 and took < 5


def test_exec_plugin_that_never_ends_is_stopped(tmp_path):
    user = _plugin(tmp_path, "import time\nsys.stdout.write('{')\nsys.stdout.flush()\ntime.sleep(60)")
    with HostileServer(lambda req, conn: conn.respond(200, b"{}")) as srv, \
            _cluster(tmp_path, srv.url, user=user) as c:
        c._creds.timeout = 1.0  # the plugin timeout is max(--request-timeout, 10 s); 1 s keeps this test short
        took, err = _elapsed(c.version)
    assert isinstance(err, ClusterError) and "did not finish within 1s" in str(err), err
    assert took < 3


def test_exec_plugin_that_cannot_be_run_is_a_clear_error(tmp_path):
    script = tmp_path / "notaprogram"
    script.write_text("apiVersion: v1\n")  # executable bit, no interpreter: ENOEXEC
    script.chmod(0o755)
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(script), "interactiveMode": "Never"}}
    with HostileServer(lambda req, conn: conn.respond(200, b"{}")) as srv, _cluster(tmp_path, srv.url, user=user) as c:
        with pytest.raises(ClusterError, match="cannot be run: Exec format error"):
            c.version()


MALFORMED_OBJECTS = [
    {"metadata": {"name": "x"}, "spec": "oops", "status": 5},
    {"metadata": {"name": 5, "namespace": ["a"], "labels": "x", "ownerReferences": "y"}},
    {"metadata": {"name": "n"}, "spec": {"containers": "x", "nodeSelector": [1]},
     "status": {"containerStatuses": [1, "a", {"state": "x"}], "conditions": "x", "reason": 5}},
    {"metadata": {"name": "e"}, "involvedObject": "x", "reason": 5, "message": {"a": 1}, "count": "x"},
    {"metadata": {"name": "t", "annotations": "x"}, "spec": {"template": "x", "taints": "x"},
     "status": {"nodeInfo": "x", "allocatable": [1]}},
]


@pytest.mark.parametrize("command", [["audit"], ["audit", "-o", "json"], ["plan", "--live"]])
def test_malformed_objects_from_the_server_are_errors_not_tracebacks(tmp_path, command):
    """Every list the commands read answers objects of the wrong shapes; each is an error naming
    the object, the run goes on, exit 2 (the data could not all be read)."""
    import subprocess

    def handler(req, conn):
        if req.path.startswith("/version"):
            conn.respond(200, json.dumps({"major": "1", "minor": "33", "gitVersion": "v1.33.0"}).encode())
        else:
            conn.respond(200, json.dumps({"metadata": {}, "items": MALFORMED_OBJECTS}).encode())

    with HostileServer(handler) as srv:
        kc = _cluster(tmp_path, srv.url).config.source.split()[1]  # the kubeconfig _cluster wrote
        p = subprocess.run([str(Path(sys.executable).parent / "winkube"), *command, "--kubeconfig", kc],
                           capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    out, err = p.stdout.decode(), p.stderr.decode()
    assert p.returncode == 2 and "Traceback" not in err + out, err[-3000:]
    if command[0] == "audit":
        assert "Pod x: not a valid Pod: spec is not an object" in out
        assert "Event e: not a valid Event: involvedObject is not an object" in out
    else:
        assert "spec: expected an object" in err


def test_a_server_echoing_the_token_does_not_get_it_printed(tmp_path):
    """A hostile server quotes the Authorization header back in its error: the message keeps the
    server's words without the token."""
    def echo(req, conn):
        auth = req.headers.get("authorization", "")
        conn.respond(500, json.dumps({"kind": "Status", "message": f"bad request with {auth}"}).encode())

    with HostileServer(echo) as srv, _cluster(tmp_path, srv.url, timeout=5) as c:
        with pytest.raises(ClusterError) as e:
            c.get("/api/v1/nodes/x")
    assert "bad request with Bearer <redacted>" in str(e.value) and TOKEN not in str(e.value)


def test_every_transport_honours_the_deadline(tmp_path):
    """The deadline is installed on httpx's own transport and on a proxy-url's (and env proxies')."""
    from winkube.cluster.deadline import _Backend
    from winkube.cluster.config import ClusterCredentials as Credentials
    kc = tmp_path / "kubeconfig"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "h",
        "clusters": [{"name": "h", "cluster": {"server": "http://127.0.0.1:1", "proxy-url": "http://127.0.0.1:2"}}],
        "users": [{"name": "h", "user": {"token": TOKEN}}],
        "contexts": [{"name": "h", "context": {"cluster": "h", "user": "h"}}]}))
    with Cluster.connect(str(kc)) as c:
        client = c._client_for(Credentials(token=TOKEN))
        transports = [client._transport, *client._mounts.values()]
        assert len(transports) >= 2
        assert all(isinstance(t._pool._network_backend, _Backend) for t in transports if t is not None)


def test_oversized_or_odd_local_inputs_are_clear_errors(tmp_path):
    big = tmp_path / "big-kubeconfig"
    with open(big, "wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    with pytest.raises(ClusterError, match="over 16 MiB: not a kubeconfig"):
        Cluster.connect(str(big))
    from winkube.registry import ImageError, ResolveOptions, resolve_many_sync
    cfg = tmp_path / "config.json"
    cfg.write_text('{"auths": ["x"]}')
    res = resolve_many_sync(["127.0.0.1:1/x:1"], ResolveOptions(docker_config=str(cfg), use_cache=False))["127.0.0.1:1/x:1"]
    assert isinstance(res, ImageError) and res.kind == "credentials" and "auths is not an object" in res.message


@pytest.mark.parametrize("command", ["audit", "plan"])
def test_request_timeout_bounds_a_whole_command_against_a_trickling_server(tmp_path, command):
    """`--request-timeout 1` on both live commands: the first request is trickled, the command
    ends with exit 2 and a message, not after the minutes the trickle would take."""
    import subprocess

    with HostileServer(lambda req, conn: (conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n"),
                                          conn.trickle(b"{" * 400, 0.1))) as srv:
        kc = _cluster(tmp_path, srv.url).config.source.split()[1]
        t0 = time.monotonic()
        p = subprocess.run([str(Path(sys.executable).parent / "winkube"), command, "--kubeconfig", kc,
                            "--request-timeout", "1"], capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        took = time.monotonic() - t0
    assert p.returncode == 2 and b"timed out after 1s" in p.stderr, p.stderr[-2000:]
    assert took < 10, f"{command} took {took:.1f}s"


@pytest.mark.parametrize("name, text", [
    ("dump.json", '{"kind": "List", "items": [1, "x", {"kind": "Pod", "metadata": {"name": "p"}}, null, [1]]}'),
    ("dump.yaml", "kind: List\nitems:\n- 1\n- kind: Pod\n  metadata: {name: p}\n- [x]\n"),
])
def test_dump_items_that_are_not_objects_are_reported(tmp_path, name, text):
    """A dump is a server's answer saved to a file: its odd items are errors too, not silently dropped."""
    from winkube.cluster import iter_dump
    path = tmp_path / name
    path.write_text(text)
    errors: list[str] = []
    objs = list(iter_dump([str(path)], errors))
    assert [o["metadata"]["name"] for o in objs] == ["p"]
    assert any("an item is not a Kubernetes object" in e for e in errors), errors
    assert any(" items in all are not Kubernetes objects" in e for e in errors), errors
