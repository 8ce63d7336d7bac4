"""The salt of hashed PII (contact emails): never in the repo, so a known email cannot be
matched against a hash without it. From the environment variable CHW_PII_SALT, else from a
secret file generated once beside the build (CHW_PII_SALT_FILE, default
<warehouse>/.pii_salt, mode 0600, out of git like the rest of warehouse/)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from chw.errors import ChwError, ExitCode
from chw.settings import Paths

SALT_ENV = "CHW_PII_SALT"
SALT_FILE_ENV = "CHW_PII_SALT_FILE"


def salt_file(paths: Paths) -> Path:
    return Path(os.environ.get(SALT_FILE_ENV, paths.warehouse / ".pii_salt"))


def salt(paths: Paths) -> str:
    """The salt: CHW_PII_SALT if set, else the secret file (generated on first use)."""
    if os.environ.get(SALT_ENV):
        return os.environ[SALT_ENV]
    path = salt_file(paths)
    try:
        if not path.exists():
            _create(path)
        value = path.read_text().strip()
    except OSError as exc:
        raise ChwError(
            f"{path}: cannot read or create the PII salt ({exc.strerror})", ExitCode.BAD_INPUT
        ) from None
    if not value:
        raise ChwError(f"{path}: the PII salt file is empty", ExitCode.BAD_INPUT)
    return value


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it first
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
