"""The Core table of a table model, typed.

sqlmodel gives every ``table=True`` model a ``__table__``, but type checkers do not see it
(``"type[Lead]" has no attribute "__table__"``). Code that queries through SQLAlchemy Core
takes the table from here instead: the mapper's own table, checked to be one.
"""

from __future__ import annotations

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """``model.__table__``, as a :class:`~sqlalchemy.Table` (TypeError for a model with no table)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table
