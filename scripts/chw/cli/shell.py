"""The shell every command shares: the Typer app, console, one-line errors, step spinner."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from chw import logs
from chw.errors import ChwError

app = typer.Typer(
    help=(
        "Customer health warehouse: generate sample data, build and test the dbt project, "
        "validate with Great Expectations, publish the marts atomically, and write the "
        "data-quality report, dashboard and calibration. Paths: CHW_RAW_PATH (raw Parquet), "
        "CHW_WAREHOUSE_DIR (DuckDB files), CHW_OUTPUT_DIR (reports)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


@app.callback()
def _every_command(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show library logs and warnings.")
    ] = False,
) -> None:
    """Library logs and warnings stay out of the terminal unless --verbose (chw.logs)."""
    logs.set_verbose(verbose)


def _fail(message: str, code: int) -> None:
    one_line = " ".join(message.split())
    console.print(f"[bold red]error:[/] {escape(one_line)} (exit {code})", soft_wrap=True)
    raise typer.Exit(code)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ChwError (and anything unexpected) into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChwError as exc:
            _fail(str(exc), int(exc.code))
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # the last line of defence: no stack trace for users
            if os.environ.get("CHW_DEBUG"):
                raise
            _fail(f"unexpected {type(exc).__name__}: {exc} (set CHW_DEBUG=1 for details)", 70)

    return wrapper


@contextmanager
def step(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner with the current sub-step, and the elapsed time when done."""
    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=None, detail="")
        yield lambda detail: progress.update(task, detail=detail[:60])
    console.print(f"[green]✓[/] {title} ({time.monotonic() - started:.1f}s)")
