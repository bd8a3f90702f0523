"""Staff accounts (admin)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StaffAccount(BaseModel):
    id: int
    username: str
    name: str
    role: str
    extension: str | None
    queues: list[str]
    active: bool
    has_password: bool = Field(description="Never the hash, only whether there is one")
    customers: int = Field(description="Customers whose account manager this is")


class StaffList(BaseModel):
    staff: list[StaffAccount]


class RowError(BaseModel):
    line: int
    reason: str


class StaffImport(BaseModel):
    rows: int
    added: int
    updated: int
    unchanged: int
    errors: list[RowError]


class ManagedCustomer(BaseModel):
    id: int
    client_no: str
    name: str
    tier: str
    branch: str | None
    status: str


class ManagedCustomers(BaseModel):
    staff: StaffAccount
    total: int
    customers: list[ManagedCustomer]


class CustomersMoved(BaseModel):
    moved: int
    from_: StaffAccount = Field(alias="from")
    to: StaffAccount


class StaffUnlocked(BaseModel):
    id: int
    username: str
    was_locked: bool
