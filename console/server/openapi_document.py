"""The OpenAPI 3.1 document of the HTTP API, made from the declared operations.

Schemas come from the pydantic models themselves (``models_json_schema``, ``TypeAdapter``); this
module writes only the document's frame: paths, parameters, which statuses each route answers
and who may call it. ``GET /api/openapi.json`` is public, like ``docs/API.md``: it describes
the routes, holds no data, and lets tools (schemathesis, client generators) read it without an
account.

The error statuses of an operation are the ones its kind always has, plus its own ``errors``:
every route 503 (the database or the PBX is down), a route that needs a login 401 and, above
the agent role, 403; a loopback route 403; a route with a body, query or path parameters 400;
with path parameters 404; with a body 413 (over ``client_max_size``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NotRequired, TypedDict

from aiohttp import web
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaValue, models_json_schema

from console.server.api_models.common import ErrorBody
from console.server.api_models.health import Health
from console.server.openapi import Access, Operation, declared, register

REF = "#/components/schemas/{model}"
BEARER = "bearer"
_STATUS_TEXT = {101: "Switching to the WebSocket protocol", 400: "Bad request or invalid field",
                401: "Not logged in, or the token expired", 403: "Not allowed for this user",
                404: "No such resource", 409: "Conflict (stale version, or the state forbids it)",
                413: "Body too large", 429: "Too many attempts",
                503: "Unavailable: the database or the PBX is down"}

# The OpenAPI objects this module writes (of the same names); the schemas in them are pydantic's.
class MediaType(TypedDict):
    schema: JsonSchemaValue


Content = dict[str, MediaType]
Security = list[dict[str, list[str]]]


class RequestBody(TypedDict):
    required: bool
    content: Content


class Response(TypedDict):
    description: str
    content: NotRequired[Content]


Parameter = TypedDict("Parameter", {  # "in" is a keyword
    "name": str, "in": str, "required": bool, "schema": JsonSchemaValue, "description": NotRequired[str],
})


class _OperationParts(TypedDict, total=False):
    tags: list[str]
    parameters: list[Parameter]
    requestBody: RequestBody


OperationObject = TypedDict("OperationObject", {
    "operationId": str, "summary": str, "description": str, "x-calldesk-access": Access, "security": Security,
    "tags": NotRequired[list[str]], "parameters": NotRequired[list[Parameter]],
    "requestBody": NotRequired[RequestBody], "responses": dict[str, Response],
})


class Components(TypedDict):
    schemas: dict[str, JsonSchemaValue]
    securitySchemes: dict[str, dict[str, str]]


class Document(TypedDict):
    openapi: str
    info: dict[str, str]
    paths: dict[str, dict[str, OperationObject]]
    components: Components
    security: Security


def error_statuses(operation: Operation) -> list[int]:
    statuses = set(operation.errors) | {503}
    if operation.access not in ("public", "loopback"):
        statuses.add(401)
    if operation.access == "loopback" or operation.access not in ("public", "agent"):
        statuses.add(403)
    if operation.body or operation.body_media or operation.query or operation.path_names():
        statuses.add(400)
    if operation.path_names():
        statuses.add(404)
    if operation.body or operation.body_media:
        statuses.add(413)
    return sorted(statuses)


def _models(operations: Iterable[Operation]) -> list[type[BaseModel]]:
    found: dict[type[BaseModel], None] = {ErrorBody: None, Health: None}
    for op in operations:
        for model in (op.body, op.response):
            if model is not None:
                found[model] = None
    return list(found)


def _query_parameters(model: type[BaseModel]) -> list[Parameter]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    out: list[Parameter] = []
    for name, declared_schema in schema.get("properties", {}).items():
        prop = dict(declared_schema)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param: Parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out


def _path_parameters(op: Operation) -> list[Parameter]:
    choices = op.path_choices()
    out: list[Parameter] = []
    for name in op.path_names():
        if name in choices:
            schema = TypeAdapter(str).json_schema() | {"enum": choices[name]}
        else:
            schema = TypeAdapter(op.path_params.get(name, str)).json_schema()
            if op.path_params.get(name) is int:
                schema |= {"minimum": 1, "maximum": 2**31 - 1}
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _content(media: str, schema: JsonSchemaValue) -> Content:
    return {media: {"schema": schema}}


def _operation_id(op: Operation) -> str:
    words = [part.strip("{}") for part in op.openapi_path.split("/") if part and part != "api"]
    return "_".join([op.method.lower(), *words]).replace(".", "_").replace("-", "_")


def _operation(op: Operation, refs: dict[type[BaseModel], JsonSchemaValue]) -> OperationObject:
    role = {"public": "anyone (no login)", "loopback": "a client on the server's own host"}.get(
        op.access, f"role `{op.access}` or above")
    parts: _OperationParts = {}
    if op.tag:
        parts["tags"] = [op.tag]
    params = _path_parameters(op) + (_query_parameters(op.query) if op.query else [])
    if params:
        parts["parameters"] = params
    if op.body is not None:
        parts["requestBody"] = {"required": True, "content": _content("application/json", refs[op.body])}
    elif op.body_media:
        parts["requestBody"] = {"required": True, "content": _content(op.body_media, TypeAdapter(str).json_schema())}
    responses: dict[str, Response] = {}
    if op.websocket:
        responses["101"] = {"description": _STATUS_TEXT[101]}
    elif op.response is not None:
        responses[str(op.status)] = {"description": op.summary,
                                     "content": _content(op.response_media, refs[op.response])}
    else:
        responses[str(op.status)] = {"description": op.summary,
                                     "content": _content(op.response_media, TypeAdapter(str).json_schema())}
    for media in op.other_media:
        responses[str(op.status)]["content"] |= _content(media, TypeAdapter(str).json_schema())
    for status in op.also:
        responses[str(status)] = responses[str(op.status)]
    for status in error_statuses(op):
        body = refs[Health] if op.response is Health and status == 503 else refs[ErrorBody]
        responses[str(status)] = {"description": _STATUS_TEXT.get(status, "Error"),
                                  "content": _content("application/json", body)}
    return {
        "operationId": _operation_id(op), "summary": op.summary, "description": f"Who may call: {role}.",
        "x-calldesk-access": op.access,
        "security": [] if op.access in ("public", "loopback") else [{BEARER: []}],
        **parts,
        "responses": responses,
    }


def build_document(operations: Sequence[Operation], *, title: str = "calldesk server API") -> Document:
    """The OpenAPI 3.1 document of these operations."""
    models = _models(operations)
    keyed, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    refs = {model: keyed[(model, "validation")] for model in models}
    paths: dict[str, dict[str, OperationObject]] = {}
    for op in operations:
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = _operation(op, refs)
    schemas: dict[str, JsonSchemaValue] = defs.get("$defs", {})
    renames = _short_names(schemas)
    try:
        release = version("calldesk")
    except PackageNotFoundError:
        release = "0.0.0"
    doc: Document = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": release,
                 "description": "calldesk serve's HTTP API (docs/API.md). Errors: `ErrorBody`; "
                                "messages in the centre's configured language."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer",
                                         "description": "The token from POST /api/login"}},
        },
        "security": [{BEARER: []}],
    }
    return _renamed(doc, renames) if renames else doc


def _short_names(schemas: dict[str, JsonSchemaValue]) -> dict[str, str]:
    """Two models of one name (each route module's ``CreateBody``) get pydantic's long names,
    ``console__server__routes__tickets__CreateBody``: call that one ``TicketsCreateBody``."""
    renames: dict[str, str] = {}
    for name in schemas:
        parts = name.split("__")
        if len(parts) > 2:
            short = "".join(word.capitalize() for word in parts[-2].split("_")) + parts[-1]
            if short not in schemas and short not in renames.values():
                renames[name] = short
    return renames


def _renamed(doc: Document, renames: dict[str, str]) -> Document:
    schemas = doc["components"]["schemas"]
    doc["components"]["schemas"] = {renames.get(k, k): v for k, v in schemas.items()}
    text = json.dumps(doc, ensure_ascii=False)
    for old, new in renames.items():
        text = text.replace(f'"{REF.format(model=old)}"', f'"{REF.format(model=new)}"')
    renamed: Document = json.loads(text)  # the same document, its references renamed
    return renamed


OPENAPI_DOCUMENT: web.AppKey[dict[str, Document]] = web.AppKey("openapi_document")
"""Holds the document under "doc" once built (on first use: every route is mounted by then)."""


async def openapi_json(request: web.Request) -> web.Response:
    cache = request.app[OPENAPI_DOCUMENT]
    if "doc" not in cache:
        cache["doc"] = build_document(declared(request.app))
    return web.json_response(cache["doc"])


class OpenApiDocument(BaseModel):
    """An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)."""

    openapi: str
    info: dict[str, object]
    paths: dict[str, object]
    components: dict[str, object]


def setup(app: web.Application) -> None:
    app[OPENAPI_DOCUMENT] = {}
    register(app, Operation("GET", "/api/openapi.json", openapi_json, "This API's OpenAPI 3.1 document",
                            access="public", response=OpenApiDocument, tag="meta"))
