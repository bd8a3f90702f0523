"""The churn warning: customers at risk, AUM snapshots imported, scores recomputed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.server.api_models.staff import RowError


class ChurnReason(BaseModel):
    factor: str
    points: float
    value: float


class ChurnScore(BaseModel):
    score: int = Field(description="0–100")
    reasons: list[ChurnReason] = Field(description="Heaviest first")


class CustomerChurn(ChurnScore):
    level: str = Field(description="low, medium or high")


class ManagerName(BaseModel):
    id: int
    name: str | None


class AtRiskCustomer(BaseModel):
    id: int
    client_no: str
    name: str
    tier: str
    churn: ChurnScore
    scored_at: str | None
    manager: ManagerName | None


class AtRisk(BaseModel):
    level: str
    customers: list[AtRiskCustomer] = Field(description="Highest score first")


class AumImport(BaseModel):
    rows: int
    added: int
    updated: int
    unchanged: int
    rescored: int
    errors: list[RowError]


class Rescored(BaseModel):
    customers: int
    changed: int
    seconds: float


class MyCustomer(BaseModel):
    id: int
    client_no: str
    name: str
    tier: str
    status: str
    churn: CustomerChurn
    open_tickets: int
    followups_due: int
    last_contact: str | None


class MyCustomers(BaseModel):
    total: int
    customers: list[MyCustomer] = Field(description="The most at risk first")
