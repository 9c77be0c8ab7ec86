"""The API's limits, read from the environment (prefix ``SVAR_API_``) at the edge and passed in."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiLimits(BaseSettings):
    """Request sizes, rate limits and lengths. Every field can be set as ``SVAR_API_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="SVAR_API_", extra="ignore")

    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Largest JSON request body.")
    max_upload_bytes: int = Field(default=20_000_000, ge=1024, description="Largest file upload request.")
    max_message_chars: int = Field(default=8000, ge=100, description="Longest customer message.")
    max_history_turns: int = Field(default=50, ge=1, description="Most turns given or kept in a widget chat.")
    max_events: int = Field(default=1000, ge=1, description="Most history events in one request.")
    max_documents: int = Field(default=500, ge=1, description="Most documents in one upsert request.")
    widget_per_key_per_minute: int = Field(default=600, ge=1, description="Widget requests per key a minute.")
    widget_per_ip_per_minute: int = Field(
        default=60, ge=1, description="Widget requests per client IP a minute."
    )
