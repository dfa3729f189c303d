"""Bad input never becomes a 500 or a crash: a well-formed AdmissionReview response, or a 400
(413 over the body cap, 404/405 for wrong paths and methods). Includes a hypothesis fuzz test over
review bodies; its volume is counted and asserted."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winkube.model.profile import default_profile
from winkube.webhook.app import WebhookApp
from winkube.webhook.policy import Policy
from winkube.webhook.state import Knowledge

from .asgikit import run
from .whkit import WIN_IMAGE, pod, review


def make_app(max_body=64 * 1024) -> WebhookApp:
    prof = default_profile()
    prof.assumed = False
    return WebhookApp(Knowledge(Policy(), prof), max_body=max_body)


APP = make_app()


def post(body: bytes, path="/validate", app=APP, **kw):
    return run(app, "POST", path, body, **kw)


def assert_review_response(status, data, uid):
    assert status == 200, data
    doc = json.loads(data)
    assert doc["apiVersion"] == "admission.k8s.io/v1" and doc["kind"] == "AdmissionReview"
    assert doc["response"]["uid"] == uid and isinstance(doc["response"]["allowed"], bool)
    return doc["response"]


GOOD = json.dumps(review(pod())).encode()


@pytest.mark.parametrize("body, reason", [
    (b"", "not JSON"),
    (b"{", "not JSON"),
    (GOOD[: len(GOOD) // 2], "not JSON"),  # truncated
    (b"\xff\xfe\x00", "not JSON"),
    (b"[]", "not an AdmissionReview object"),
    (b'"x"', "not an AdmissionReview object"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "u"}}).encode(),
     "admissionReviewVersions: [v1]"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "Status"}).encode(), "not AdmissionReview"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).encode(), "request is missing"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 5}}).encode(), "uid"),
    (b"[" * 30000 + b"]" * 30000, "not JSON"),  # nesting deeper than the decoder's recursion limit
])
def test_malformed_reviews_are_400(body, reason):
    status, _, data = post(body)
    assert status == 400 and reason in data.decode(), data


@pytest.mark.parametrize("request_patch", [
    {"object": None, "operation": "DELETE"},
    {"object": "a string"},
    {"object": {"kind": "Pod", "spec": []}},
    {"object": {"kind": "Pod", "spec": {"containers": "x"}}},
    {"object": {"kind": "Pod", "spec": {"containers": [1, None, {"image": 5}], "nodeSelector": []}}},
    {"object": {"kind": "Pod", "metadata": [], "spec": {"containers": [{"name": "c", "image": WIN_IMAGE}]}}},
    {"object": {"kind": "Deployment", "spec": {"template": 7}}},
    {"object": {"kind": "Frobnicator", "spec": {}}, "kind": {"group": "x.io", "version": "v1", "kind": "Frobnicator"}},
    {"kind": None, "resource": None, "operation": None},
    {"object": {"spec": {"containers": [{"name": "c", "image": WIN_IMAGE}]}}},  # no kind in the object: from request.kind
])
def test_odd_objects_get_a_well_formed_answer(request_patch):
    doc = review(pod())
    doc["request"].update(request_patch)
    for path in ("/validate", "/mutate"):
        status, _, data = post(json.dumps(doc).encode(), path)
        assert_review_response(status, data, doc["request"]["uid"])


def test_lone_surrogates_and_odd_unicode_are_answered():
    doc = review(pod(name="x"), uid="uid-\ud800-é")
    doc["request"]["name"] = "\udfff"
    body = json.dumps(doc).encode()  # ASCII JSON with \ud800 escapes: valid JSON, not valid UTF-8 once decoded
    for path in ("/validate", "/mutate"):
        status, _, data = post(body, path)
        assert_review_response(status, data, "uid-\ud800-é")


def test_body_over_the_cap_is_413_by_header_and_by_stream():
    app = make_app(max_body=1000)
    big = json.dumps(review(pod(), uid="x" * 2000)).encode()
    assert post(big, app=app)[0] == 413
    # a lying Content-Length: counted as the body arrives
    status, _, _ = post(big, app=app, headers=[(b"content-length", b"10")], chunk=100)
    assert status == 413
    assert app.metrics.errors["too_large"] == 2


def test_chunked_bodies_are_read_whole():
    status, _, data = post(GOOD, chunk=7)
    assert assert_review_response(status, data, review(pod())["request"]["uid"])["allowed"] is False


def test_paths_and_methods():
    assert run(APP, "GET", "/validate")[0] == 405
    assert run(APP, "POST", "/healthz")[0] == 405
    assert run(APP, "GET", "/nope")[0] == 404
    assert run(APP, "GET", "/healthz")[0] == 200
    status, _, text = run(APP, "GET", "/readyz")
    assert status == 200 and text.startswith(b"ok")


def test_internal_errors_fail_open_per_review(monkeypatch):
    app = make_app()
    import winkube.webhook.app as appmod

    def boom(*a, **k):
        raise RuntimeError("bug")
    # a bug in a rule cannot be produced on purpose with real input (the fuzz test finds none): inject one
    monkeypatch.setattr(appmod, "validate", boom)
    status, _, data = post(GOOD, app=app)
    r = assert_review_response(status, data, review(pod())["request"]["uid"])
    assert r["allowed"] is True and "internal error" in r["warnings"][0]
    assert app.metrics.errors["internal"] == 1


def _parse_prometheus(text: str) -> dict:
    """A strict-enough reader of the text format: every sample line is `name{labels} value`."""
    import re
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            assert line.startswith(("# HELP ", "# TYPE ")) or not line, line
            continue
        m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)', line)
        assert m, line
        float(m.group(3))
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return samples


def test_metrics_are_valid_prometheus_text():
    app = make_app()
    post(GOOD, app=app)
    post(b"{", app=app)
    status, headers, data = run(app, "GET", "/metrics")
    assert status == 200 and headers[b"content-type"].startswith(b"text/plain; version=0.0.4")
    s = _parse_prometheus(data.decode())
    assert s['winkube_webhook_decisions_total{endpoint="validate",decision="deny"}'] == 1
    assert s['winkube_webhook_errors_total{kind="bad_request"}'] == 1
    assert s['winkube_webhook_review_duration_seconds_count{endpoint="validate"}'] == 2
    assert s['winkube_webhook_review_duration_seconds_bucket{endpoint="validate",le="+Inf"}'] == 2
    assert s["winkube_webhook_profile_stale"] == 0 and s["winkube_webhook_profile_ready"] == 1


# --- fuzz -------------------------------------------------------------------------------------

FUZZ_EXAMPLES = int(os.environ.get("WINKUBE_WEBHOOK_FUZZ_EXAMPLES", "3000"))
SEEN = {"n": 0, "200": 0, "400": 0}

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False),
                    st.text(max_size=20), st.text(st.characters(codec=None, categories=["Cs", "Co", "Zl", "Cc"]), max_size=4), st.sampled_from(["Pod", "windows", "linux", WIN_IMAGE, "kubernetes.io/os",
                                                             "CREATE", "UPDATE", "ephemeralcontainers", "v1"]))
json_values = st.recursive(scalars, lambda ch: st.one_of(st.lists(ch, max_size=4), st.dictionaries(
    st.sampled_from(["kind", "spec", "containers", "image", "name", "os", "nodeSelector", "tolerations", "metadata",
                     "labels", "securityContext", "windowsOptions", "template", "initContainers", "ephemeralContainers",
                     "runtimeClassName", "affinity", "x"]) | st.text(max_size=8), ch, max_size=5)), max_leaves=25)


@st.composite
def bodies(draw):
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.binary(max_size=200))
    doc = review(pod())
    req = doc["request"]
    for key in draw(st.lists(st.sampled_from(["object", "oldObject", "kind", "operation", "subResource", "namespace",
                                              "uid", "dryRun", "resource"]), max_size=4, unique=True)):
        req[key] = draw(json_values)
    if draw(st.booleans()) and isinstance(req.get("object"), dict):
        req["object"]["spec"] = draw(json_values)
    if choice == 1:
        doc[draw(st.sampled_from(["apiVersion", "kind", "request"]))] = draw(json_values)
    text = json.dumps(doc).encode()
    if choice == 2:
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(bodies(), st.sampled_from(["/validate", "/mutate"]))
def test_fuzz_reviews_never_500(body, path):
    status, _, data = post(body, path)
    SEEN["n"] += 1
    SEEN[str(status)] = SEEN.get(str(status), 0) + 1
    assert status in (200, 400), (status, data[:300])
    if status == 200:
        doc = json.loads(data)
        assert doc["kind"] == "AdmissionReview" and isinstance(doc["response"]["allowed"], bool)
        assert isinstance(doc["response"]["uid"], str)
    assert APP.metrics.errors.get("internal", 0) == 0, "a fuzz input reached an internal error"


def test_fuzz_volume():
    print(f"\nwebhook fuzz: {SEEN['n']} review bodies ({SEEN.get('200', 0)} answered, {SEEN.get('400', 0)} rejected as 400)")
    assert SEEN["n"] >= FUZZ_EXAMPLES * 0.9, SEEN
    assert SEEN.get("200", 0) > SEEN["n"] // 4, SEEN  # most bodies reach the judging code, not only the parser
