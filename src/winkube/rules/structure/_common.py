"""Shared by the structure rules."""
from __future__ import annotations

DECODER = ("sigs.k8s.io/json internal/golang/encoding/json/decode.go; "
           "k8s.io/apimachinery pkg/runtime/serializer/json/json.go")


def decodable(ctx) -> bool:
    s = ctx.structure
    return s.decoded is not None
