"""`python -m chw.cli`: the same as the `chw` command."""

from chw.cli import app

app()
