"""Shared by the structure rules."""
from __future__ import annotations

DECODER = ("sigs.k8s.io/json internal/golang/encoding/json/decode.go; "
           "k8s.io/apimachinery pkg/runtime/serializer/json/json.go")


def decodable(ctx) -> bool:
    s = ctx.structure
    return s.decoded is not None


VALIDATION = ("kubernetes/kubernetes v1.37.2 pkg/apis/core/validation/validation.go, pkg/apis/apps/validation, "
              "pkg/apis/batch/validation (rows cited in knowledge/field_validation.yaml); the release's OpenAPI enums")


def validated(ctx) -> bool:
    """The object decoded cleanly, so the API server went on to validate it."""
    return ctx.structure.causes is not None


def causes_of(ctx, error_type: str):
    """The replayed validation causes of one error type, as hits with the server's own words."""
    from ..base import Hit

    for cause in ctx.structure.causes:
        if cause.type == error_type:
            yield Hit(cause.path, cause.message, error_type=error_type)
