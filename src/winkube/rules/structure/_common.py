"""Shared by the structure rules."""
from __future__ import annotations

from ...structure.warnings import bytes_quiet, node_labels_quiet
from ..base import Hit

DECODER = ("sigs.k8s.io/json internal/golang/encoding/json/decode.go; "
           "k8s.io/apimachinery pkg/runtime/serializer/json/json.go")


def flagged(ctx) -> bool:
    """The structural replay found something: the release does not serve the apiVersion, decoding
    found a wrong type, a refused value or unknown fields, or validation found causes. A clean object,
    the common case, skips every object-scope structure rule on this one test (each rule still
    looks for its own part)."""
    s = ctx.structure
    if s.clean:
        return False
    d = s.decoded
    return s.served is False or (d is not None and not d.ok) or bool(s.causes)


def may_warn(ctx) -> bool:
    """The pod-scope structure rules' precondition: a warning replay may have something to say
    (structure/warnings.py's cheap tests; most pods have neither a deprecated node label nor a
    fractional byte quantity, and skip both rules on this one test)."""
    view = ctx.view
    return not (node_labels_quiet(view.spec) and bytes_quiet(view))


VALIDATION = ("kubernetes/kubernetes v1.37.2 pkg/apis/core/validation/validation.go, pkg/apis/apps/validation, "
              "pkg/apis/batch/validation (rows cited in knowledge/field_validation.yaml); the release's OpenAPI enums")


def causes_of(ctx, error_type: str):
    """The replayed validation causes of one error type, as hits with the server's own words."""
    for cause in ctx.structure.causes or ():  # None: not validated (not served, or not decoded cleanly)
        if cause.type == error_type:
            yield Hit(cause.path, cause.message, error_type=error_type)
