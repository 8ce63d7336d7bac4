"""`chw`: the command line of the customer health warehouse.

A thin layer: each command calls one module and turns its outcome into a message and an
exit code (0 ok, 1 quality gate failed, 2 usage, 3 bad input, 4 build error, 5 not found).

Each command calls one package (ARCHITECTURE.md). The modules: `shell` (app, errors, spinner),
`pipeline`, `calibration` and `tools` (the commands, registered on import)."""

from chw.cli import calibration, pipeline, tools
from chw.cli.shell import app

__all__ = ["app", "calibration", "pipeline", "tools"]
