"""Quality assurance: the form, reviews, a day's calls, a call's audit trail."""

from __future__ import annotations

from pydantic import BaseModel, Field


class QaCriterion(BaseModel):
    id: str
    label: str
    weight: float
    fatal: bool


class QaForm(BaseModel):
    pass_mark: float
    criteria: list[QaCriterion]


class QaReview(BaseModel):
    id: int
    interaction_id: int
    agent_id: int | None
    reviewer_id: int | None
    reviewer: str | None
    marks: dict[str, str] = Field(description="Criterion id -> pass, fail or na")
    score: float
    fatal: bool
    comment: str
    created_at: str


class QaReviewResult(QaReview):
    passed: bool
    failed: list[str]


class QaReviews(BaseModel):
    reviews: list[QaReview] = Field(description="Newest first")


class MyQaReviews(QaReviews):
    form: QaForm


class QaCall(BaseModel):
    id: int
    call: str
    started_at: str
    agent_ext: str | None
    agent_name: str | None
    queue: str | None
    direction: str
    wait_s: float | None
    talk_s: float | None
    hangup_by: str | None
    disposition: str | None
    notes: str | None
    recording: bool
    csat: int | None
    qa_score: float | None


class QaCalls(BaseModel):
    day: str
    calls: list[QaCall]


class TrailStep(BaseModel):
    at: str
    actor: str | None
    action: str
    detail: dict[str, object]


class CallTrail(BaseModel):
    trail: list[TrailStep] = Field(description="The audit rows of the call, in order")
