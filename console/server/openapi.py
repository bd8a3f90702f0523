"""Routes declared once: the aiohttp router and the OpenAPI document are both made from them.

Each route module's ``setup(app)`` calls :func:`register` with its :class:`Operation` s instead
of ``app.router.add_*``: the operation is mounted and remembered under ``keys.OPERATIONS``,
from which ``console/server/openapi_document.py`` builds ``GET /api/openapi.json``. A route added
straight to the router is in no document; ``tests/server/test_openapi.py`` names it.

Adding a route::

    register(app, Operation("POST", "/api/things/{id}/frob", frob, "Frob a thing",
                            role="supervisor", body=FrobBody, response=Thing, errors=(409,)))
"""

from __future__ import annotations

from aiohttp import web

from console.server import keys
from console.server.operation import Access, Handler, Method, Operation

__all__ = ["Access", "Handler", "Method", "Operation", "declared", "register"]


def register(app: web.Application, *operations: Operation) -> None:
    """Mount each operation on the app's router and keep it for the OpenAPI document."""
    declared = app.setdefault(keys.OPERATIONS, [])
    for operation in operations:
        if operation.method == "GET":  # aiohttp answers HEAD with it (a recording's size)
            app.router.add_get(operation.path, operation.handler)
        else:
            app.router.add_route(operation.method, operation.path, operation.handler,
                                 expect_handler=operation.expect_handler)
        declared.append(operation)


def declared(app: web.Application) -> list[Operation]:
    operations: list[Operation] = app.get(keys.OPERATIONS, [])
    return list(operations)
