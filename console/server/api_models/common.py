"""Bodies every part of the API shares: the error body and the bare acknowledgements."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """What went wrong (console/server/errors.py ApiError)."""

    code: str = Field(description="bad_request, invalid, unauthorized, forbidden, not_found, conflict, "
                                  "unavailable or internal")
    message: str = Field(description="For a person, in the centre's configured language")
    field: str | None = Field(description="The request field at fault (`invalid`), else null")


class ErrorBody(BaseModel):
    """Every error response: `{"error": {code, message, field}}`."""

    error: ErrorDetail


class Ok(BaseModel):
    """Done (or accepted: 202)."""

    ok: bool


class QueuesRemoved(Ok):
    queues: list[str] = Field(description="The queues the agent was logged out of")


class TransferAccepted(Ok):
    exten: str = Field(description="The extension or number the call is being sent to")


class Originated(BaseModel):
    action_id: str
    pbx: str
