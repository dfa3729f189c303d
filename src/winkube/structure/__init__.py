"""Structural checks as kube-apiserver makes them before any validation: is the group/version
served, does the body decode into the Go types (JSON kinds, int32 ranges, quantities), and which
fields are unknown under strict field validation (kubectl's default). The schema is the release's
own, compacted from the OpenAPI v3 the real apiserver serves (knowledge/openapi/, tools/openapi-knowledge.py)."""
from .decode import DecodeResult, decode
from .schema import Schema, schema_for

__all__ = ["DecodeResult", "decode", "Schema", "schema_for"]
