"""Shared by the structure rules."""
from __future__ import annotations

from ..base import Hit

DECODER = ("sigs.k8s.io/json internal/golang/encoding/json/decode.go; "
           "k8s.io/apimachinery pkg/runtime/serializer/json/json.go")


def not_served(ctx) -> bool:
    """The release does not serve the object's apiVersion (a built-in group)."""
    return ctx.structure.served is False


def decode_failed(ctx) -> bool:
    """The object was decoded and the decoding found something (a wrong type, a value a type refuses,
    unknown fields): a clean object, the common case, skips the rules that report these."""
    d = ctx.structure.decoded
    return d is not None and not d.ok


VALIDATION = ("kubernetes/kubernetes v1.37.2 pkg/apis/core/validation/validation.go, pkg/apis/apps/validation, "
              "pkg/apis/batch/validation (rows cited in knowledge/field_validation.yaml); the release's OpenAPI enums")


def invalid(ctx) -> bool:
    """The object decoded cleanly, so the API server went on to validate it, and the validation
    found causes (a valid object, the common case, skips the three rules that list them)."""
    return bool(ctx.structure.causes)


def causes_of(ctx, error_type: str):
    """The replayed validation causes of one error type, as hits with the server's own words."""
    for cause in ctx.structure.causes:
        if cause.type == error_type:
            yield Hit(cause.path, cause.message, error_type=error_type)
