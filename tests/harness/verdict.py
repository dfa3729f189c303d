"""The server side of the differential tests: send an object to the real kube-apiserver with
server-side dry-run and turn its answer into a set of (field path, error type)."""

from __future__ import annotations

import copy
import json
import re
import threading

import httpx

from .podgen import API

# Status cause reasons (metav1.CauseType) -> field.ErrorType names used by winkube
REASONS = {
    "FieldValueForbidden": "Forbidden",
    "FieldValueInvalid": "Invalid",
    "FieldValueRequired": "Required",
    "FieldValueNotSupported": "NotSupported",
    "FieldValueTooLong": "TooLong",
    "FieldValueTooMany": "TooMany",
    "FieldValueDuplicate": "Duplicate",
    "FieldValueNotFound": "NotFound",
    "FieldValueTypeInvalid": "TypeInvalid",
    "InternalError": "InternalError",
}

Causes = set[tuple[str, str]]


class UnexpectedAnswer(AssertionError):
    """The server answered something other than 2xx or a 422 with causes (generator or setup bug)."""


def causes_of(response: httpx.Response) -> tuple[Causes, list[dict]]:
    """(set of (field, type), raw causes) of a dry-run answer; 2xx means no causes."""
    if 200 <= response.status_code < 300:
        return set(), []
    if response.status_code == 422:
        body = response.json()
        raw = (body.get("details") or {}).get("causes") or []
        if not raw:
            raise UnexpectedAnswer(f"422 without causes: {body.get('message')}")
        return {(c.get("field", ""), REASONS.get(c.get("reason", ""), c.get("reason", ""))) for c in raw}, raw
    raise UnexpectedAnswer(f"HTTP {response.status_code}: {response.text[:2000]}")


# Which server causes come from OS-dependent validation (used to filter the verdict on real
# manifests, whose objects may also break unrelated rules). Every message produced by
# validateOS/validateLinux/validateWindows/validateWindowsHostProcessPod/validatePodResources'
# Windows branch is recognisable by its text, windowsOptions content errors by their path, the
# spec.os errors by their path (.os / .os.name) and validateStopSignal by its path.
_OS_MESSAGES = (
    "cannot be set for a windows pod",
    "windows options cannot be set for a linux pod",
    "may not be set for a windows pod",
    "hostProcess",
)
_OS_PATH = re.compile(r"(\.windowsOptions\.|\.os$|\.os\.name$|\.stopSignal$)")


def is_os_cause(cause: dict) -> bool:
    fld, msg = cause.get("field", ""), cause.get("message", "")
    return bool(_OS_PATH.search(fld)) or any(m in msg for m in _OS_MESSAGES)


def os_causes(raw: list[dict]) -> Causes:
    return {(c.get("field", ""), REASONS.get(c.get("reason", ""), c.get("reason", ""))) for c in raw if is_os_cause(c)}


def collection_path(kind: str, namespace: str) -> str:
    _, prefix, plural = API[kind]
    return f"{prefix}/namespaces/{namespace}/{plural}"


def dry_run_create(client: httpx.Client, obj: dict, namespace: str, api_kind: str | None = None) -> httpx.Response:
    kind = api_kind or obj["kind"]
    body = copy.deepcopy(obj)
    body["apiVersion"] = API[kind][0]
    body.setdefault("metadata", {}).pop("namespace", None)
    return client.post(collection_path(kind, namespace), params={"dryRun": "All"}, json=body)


class BasePods:
    """Valid pods created for real, to which the ephemeral-container cases are added via a dry-run
    update of the pods/ephemeralcontainers subresource (a pod cannot be created with them)."""

    def __init__(self, client: httpx.Client, namespace: str):
        self.client, self.namespace = client, namespace
        self._stored: dict[str, dict] = {}
        self._lock = threading.Lock()

    def create(self, pod: dict) -> dict:
        """Create `pod` (must be fully valid); returns the stored object. Raises UnexpectedAnswer otherwise."""
        name = pod["metadata"]["name"]
        with self._lock:
            if name in self._stored:
                return self._stored[name]
        r = self.client.post(f"/api/v1/namespaces/{self.namespace}/pods", json=pod)
        if r.status_code == 409:
            r = self.client.get(f"/api/v1/namespaces/{self.namespace}/pods/{name}")
        if r.status_code not in (200, 201):
            raise UnexpectedAnswer(f"base pod {name} rejected: HTTP {r.status_code}: {r.text[:2000]}")
        with self._lock:
            self._stored[name] = r.json()
        return r.json()

    def refresh(self, name: str) -> dict:
        r = self.client.get(f"/api/v1/namespaces/{self.namespace}/pods/{name}")
        r.raise_for_status()
        with self._lock:
            self._stored[name] = r.json()
        return r.json()

    def dry_run_ephemeral(self, name: str, ephemeral: list[dict]) -> httpx.Response:
        for _ in range(3):
            stored = copy.deepcopy(self._stored[name])
            stored["spec"]["ephemeralContainers"] = copy.deepcopy(ephemeral)
            r = self.client.put(
                f"/api/v1/namespaces/{self.namespace}/pods/{name}/ephemeralcontainers",
                params={"dryRun": "All"},
                json=stored,
            )
            if r.status_code != 409:
                return r
            self.refresh(name)
        return r


def dump(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)
