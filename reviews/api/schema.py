"""OpenAPI post-processing: the error responses every API operation can give, declared once.

drf-spectacular describes the success responses from the views; the errors come
from DRF itself (authentication, permissions, throttles, validation, unknown ids
and pages), so they are added here to each operation they apply to.
"""
from __future__ import annotations

PUBLIC_PATHS = ("/api/schema/", "/api/docs/")
ERRORS = {
    "400": "The request's parameters or body are not valid; the body says which.",
    "401": "No token, or a token that is not valid. Send `Authorization: Token <key>`.",
    "403": "Your role does not allow this operation.",
    "404": "No such object in your organisation, or no such page.",
    "429": "Too many requests: rate limit reached; retry after the time in Retry-After.",
}


def _needs(operation: dict, path: str, method: str) -> list[str]:
    parameters = operation.get("parameters", [])
    names = {p["name"] for p in parameters}
    codes = ["401", "403", "429"]
    if "{" in path or "page" in names:
        codes.append("404")
    if method in ("post", "put", "patch") or names - {"page", "page_size", "id"}:
        codes.append("400")
    return codes


def add_error_responses(result, generator, request, public):
    for path, methods in result.get("paths", {}).items():
        if path in PUBLIC_PATHS:
            continue
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code in _needs(operation, path, method):
                responses.setdefault(code, {"description": ERRORS[code]})
    return result
