"""The OpenAPI document: it covers every route the app serves and nothing more, it is valid
OpenAPI 3.1, and GET /api/openapi.json serves it without a login."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from console.server.auth import PUBLIC_PATHS
from console.server.openapi import declared
from console.server.openapi_document import build_document, error_statuses

from .conftest import server_settings


def _app() -> web.Application:
    from console.server.app import create_app

    return create_app(server_settings(), engine=object())  # not started: the routes are all we read


def mounted(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route on the router (HEAD aside: aiohttp's own companion of GET)."""
    return {(route.method, route.resource.canonical) for route in app.router.routes()
            if route.method != "HEAD" and route.resource is not None}


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def test_the_document_covers_every_mounted_route_and_nothing_more() -> None:
    app = _app()
    doc = build_document(declared(app))
    undeclared = sorted(mounted(app) - documented(doc))
    assert not undeclared, (
        "routes mounted with app.router.add_* instead of console.server.openapi.register(app, Operation(...)), "
        "so the OpenAPI document misses them: " + ", ".join(f"{m} {p}" for m, p in undeclared))
    phantom = sorted(documented(doc) - mounted(app))
    assert not phantom, "documented but not mounted: " + ", ".join(f"{m} {p}" for m, p in phantom)


def test_each_route_is_declared_once() -> None:
    keys = [(op.method, op.openapi_path) for op in declared(_app())]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = build_document(declared(_app()))
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # raises OpenAPIValidationError naming the bad part


def test_public_operations_are_the_ones_the_auth_middleware_lets_through() -> None:
    open_paths = {op.path for op in declared(_app()) if op.access in ("public", "loopback")}
    assert open_paths - {"/ws"} == set(PUBLIC_PATHS)  # the WebSocket checks its own token (hub.py)


def test_every_error_is_documented_with_the_error_body() -> None:
    doc = build_document(declared(_app()))
    login = doc["paths"]["/api/login"]["post"]
    assert login["security"] == []
    assert login["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/LoginBody"}
    error = doc["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "field"}
    for op in declared(_app()):
        responses = doc["paths"][op.openapi_path][op.method.lower()]["responses"]
        for status in error_statuses(op):
            if op.path != "/healthz":
                schema = responses[str(status)]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (op.path, status)


def test_a_path_alternation_is_an_enum() -> None:
    doc = build_document(declared(_app()))
    preview = doc["paths"]["/api/campaigns/{id}/leads/{lead}/{action}"]["post"]
    action = next(p for p in preview["parameters"] if p["name"] == "action")
    assert action["schema"]["enum"] == ["dial", "skip"]
    ids = next(p for p in preview["parameters"] if p["name"] == "id")
    assert ids["schema"]["type"] == "integer"


async def test_the_server_serves_it_without_a_login(client: TestClient) -> None:
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200, await resp.text()
    doc = await resp.json()
    validate(doc)
    assert documented(doc) == mounted(client.app)
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "The token from POST /api/login"}


def test_models_of_one_name_get_short_distinct_names() -> None:
    doc = build_document(declared(_app()))
    names = set(doc["components"]["schemas"])
    assert {"TicketsCreateBody", "FollowupsCreateBody", "StaffCreateBody", "CustomerWritesCreateBody"} <= names
    assert not [n for n in names if "__" in n]
    create = doc["paths"]["/api/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/TicketsCreateBody"}
