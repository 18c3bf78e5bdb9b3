"""Settings, read from the environment with the prefix ``ORGGRAPH_`` (and from a ``.env`` file).

No settings object is built at import time: call :func:`load_settings` (the CLI does it once per
command, after applying ``--store``).

=============================  ====================================================================
``ORGGRAPH_STORE``             where the graph lives: a file path for the embedded engine
                               (default ``orggraph.db``), or a ``bolt://`` / ``neo4j://`` URI
``ORGGRAPH_KEY_FILE``          the personal-data key file; default: beside the store,
                               ``<store>.key``, created with mode 0600 with a new store
``ORGGRAPH_KEY``               the personal-data key itself, as hex (instead of a key file)
``ORGGRAPH_POLICY``            the policy file (coverage norms, escalation); default: the shipped one
``ORGGRAPH_TIMEZONE``          the district's time zone for case deadlines and dates (default ``Asia/Shanghai``)
``ORGGRAPH_WEBHOOK_SECRET``    the key (a secret) that signs case webhooks with HMAC-SHA256
``ORGGRAPH_LOG_LEVEL``         ``WARNING`` by default
``ORGGRAPH_NEO4J_USER``        user for a Bolt store
``ORGGRAPH_NEO4J_PASSWORD``    password for a Bolt store (a secret; never logged)
``ORGGRAPH_NEO4J_DATABASE``    database name for a Bolt store
``ORGGRAPH_NEO4J_BATCH_ROWS``  rows per ``UNWIND`` batch against a Bolt store
``ORGGRAPH_TOKENS_FILE``       the API's bearer tokens (hashes only); default ``<store>.tokens``
``ORGGRAPH_UPLOAD_MAX_BYTES``  the largest roster upload the API takes (bytes; default 64 MiB)
``ORGGRAPH_UPLOAD_MAX_ROWS``   the most roster rows one upload may hold (default 500,000)
``ORGGRAPH_UPLOAD_CHILD_BYTES``  an upload this large or larger is imported in a child process (default 1 MiB)
``ORGGRAPH_IMPORT_MAX_BYTES``  the largest a roster workbook may unpack to (bytes; default 2 GiB)
``ORGGRAPH_IMPORT_MAX_CELLS``  the most cells (last row × last column) of one worksheet (40 million)
``ORGGRAPH_IMPORT_MAX_COLUMNS``  the most columns of one worksheet (default 1,000)
``ORGGRAPH_IMPORT_MAX_SHARED_STRINGS``  the most distinct texts of one workbook (20 million)
``ORGGRAPH_REQUEST_TIMEOUT``   seconds a request may take before it is answered 503 (default 30)
``ORGGRAPH_IMPORT_TIMEOUT``    seconds an upload import may take (default 600)
=============================  ====================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of orggraph; see the module docstring for the environment variables."""

    model_config = SettingsConfigDict(env_prefix="ORGGRAPH_", env_file=".env", extra="ignore")

    store: str = Field(default="orggraph.db", description="file path of an embedded store, or a bolt:// URI")
    key_file: Path | None = Field(default=None, description="personal-data key file (default <store>.key)")
    key: SecretStr | None = Field(default=None, description="personal-data key as hex, instead of a file")
    policy: Path | None = Field(default=None, description="policy file laid over the shipped defaults")
    timezone: str = Field(default="Asia/Shanghai", description="the district's time zone: case deadlines and dates")
    webhook_secret: SecretStr | None = Field(default=None, description="HMAC key that signs case webhooks")
    log_level: str = Field(default="WARNING", description="logging level of the orggraph.* loggers")
    neo4j_user: str = Field(default="neo4j", description="user for a Bolt store")
    neo4j_password: SecretStr = Field(default=SecretStr(""), description="password for a Bolt store")
    neo4j_database: str | None = Field(default=None, description="database of a Bolt store")
    neo4j_batch_rows: int = Field(default=10_000, ge=1, description="rows per UNWIND batch on a Bolt store")
    tokens_file: Path | None = Field(default=None, description="the API's token file (default <store>.tokens)")
    upload_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1, description="largest roster upload (bytes)")
    upload_max_rows: int = Field(default=500_000, ge=1, description="most roster rows in one upload")
    upload_child_bytes: int = Field(
        default=1 << 20, ge=0, description="uploads this large or larger are imported in a child process (bytes)"
    )
    import_max_bytes: int = Field(default=2 << 30, ge=1, description="largest decompressed size of a roster workbook (bytes)")
    import_max_cells: int = Field(default=40_000_000, ge=1, description="most cells (rows × columns) in one worksheet")
    import_max_columns: int = Field(default=1_000, ge=1, description="most columns in one worksheet")
    import_max_shared_strings: int = Field(default=20_000_000, ge=1, description="most distinct texts in one workbook")
    request_timeout: float = Field(default=30.0, gt=0, description="seconds before a request is answered 503")
    import_timeout: float = Field(default=600.0, gt=0, description="seconds an upload import may take")
    trend_workers: int = Field(
        default=0, ge=0, le=16, description="child processes counting the month-ends of the trends (0: one per core, at most 4)"
    )

    @property
    def is_bolt(self) -> bool:
        return self.store.split("://", 1)[0] in {
            "bolt",
            "bolt+s",
            "bolt+ssc",
            "neo4j",
            "neo4j+s",
            "neo4j+ssc",
        }

    def key_path(self) -> Path:
        """Where the personal-data key file is (or will be created)."""
        if self.key_file is not None:
            return self.key_file
        if self.is_bolt:
            return Path("orggraph-bolt.key")
        return Path(self.store + ".key")

    def tokens_path(self) -> Path:
        """Where the API's bearer tokens (their hashes) are kept."""
        if self.tokens_file is not None:
            return self.tokens_file
        if self.is_bolt:
            return Path("orggraph-bolt.tokens")
        return Path(self.store + ".tokens")


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit overrides (``None`` values are ignored)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
