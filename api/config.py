"""The API's limits, read from the environment (prefix ``SVAR_API_``) at the edge and passed in."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.errors import ConfigError


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


class DeskSettings(BaseSettings):
    """The answer-time goals per channel: the one source of truth for how long a customer may wait for a
    person. The desk's time left and the widget's "a person answers within N minutes" (its handoff's due
    time) both read them. Every field can be set as ``SVAR_DESK_<FIELD>``; a bad value is an error that
    names the variable (:func:`load_desk_settings`)."""

    model_config = SettingsConfigDict(env_prefix="SVAR_DESK_", extra="ignore")

    social_minutes: int = Field(default=60, ge=1, description="Facebook, Instagram, X: minutes to answer.")
    chat_minutes: int = Field(default=5, ge=1, description="Chat and widget handoffs: minutes to answer.")
    sms_minutes: int = Field(default=120, ge=1, description="SMS: minutes to answer.")
    phone_minutes: int = Field(default=240, ge=1, description="A call-back (phone): minutes.")
    email_minutes: int | None = Field(
        default=None, ge=1, description="E-mail: minutes to answer; unset: the same day (in `timezone`)."
    )
    timezone: str = Field(default="Europe/Oslo", description="IANA time zone of 'the same day'.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Oslo") from None
        return value

    def minutes(self, channel: str) -> int | None:
        """The goal of ``channel`` in minutes; ``None`` for "the same day" (e-mail, unless set).

        Unknown channels get the e-mail goal.
        """
        return {
            "facebook": self.social_minutes,
            "instagram": self.social_minutes,
            "x": self.social_minutes,
            "chat": self.chat_minutes,
            "widget": self.chat_minutes,
            "sms": self.sms_minutes,
            "phone": self.phone_minutes,
        }.get(channel, self.email_minutes)

    def goal(self, channel: str) -> timedelta | None:
        """The goal of ``channel`` as a duration; ``None`` for "the same day"."""
        minutes = self.minutes(channel)
        return None if minutes is None else timedelta(minutes=minutes)

    def due(self, channel: str, since: datetime) -> datetime:
        """When an answer to a customer who has waited since ``since`` on ``channel`` is due."""
        goal = self.goal(channel)
        if goal is not None:
            return since + goal
        local = since.astimezone(ZoneInfo(self.timezone))
        end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
        return end_of_day.astimezone(UTC)


def load_desk_settings() -> DeskSettings:
    """The answer-time goals from the environment.

    Raises:
        ConfigError: a ``SVAR_DESK_*`` value is invalid (the message names the variable and what to set).
    """
    try:
        return DeskSettings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = f"SVAR_DESK_{str(first['loc'][0]).upper()}" if first["loc"] else "SVAR_DESK_*"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from None
