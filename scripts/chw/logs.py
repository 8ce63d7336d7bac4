"""What libraries may print in the user's terminal: errors only, unless `--verbose`.

Libraries log through the standard `logging` module, some at INFO on loggers with a level of
their own (GX announces every temporary directory it creates). `chw` keeps them at ERROR and
ignores Python warnings; `--verbose` shows both. dbt is separate: it logs through its own
events into warehouse/logs/dbt.log (chw.dbt)."""

from __future__ import annotations

import logging
import os
import warnings

VERBOSE_ENV = "CHW_VERBOSE"


def set_verbose(verbose: bool) -> None:
    """Show library logs (INFO and up, on stderr) and warnings, or hide them."""
    os.environ[VERBOSE_ENV] = "1" if verbose else ""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        warnings.resetwarnings()
    else:
        warnings.filterwarnings("ignore")


def is_verbose() -> bool:
    return bool(os.environ.get(VERBOSE_ENV))


def quiet(library: str) -> None:
    """Hold the loggers of `library`, children with a level of their own included, at ERROR
    (unless verbose). Call it after importing the library: some set their levels on import."""
    if is_verbose():
        return
    for name in list(logging.root.manager.loggerDict):
        if name == library or name.startswith(f"{library}."):
            logging.getLogger(name).setLevel(logging.ERROR)
