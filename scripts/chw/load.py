"""Load the raw Parquet files into schema `raw` of a PostgreSQL or Spark warehouse.

On DuckDB the sources read the Parquet files in place; other engines need the tables first.
This is the small EL step a real deployment leaves to its EL tool (Fivetran, Airbyte, ...).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from chw.errors import ChwError, ExitCode

RAW_SCHEMA = "raw"
TARGETS = ("postgres", "spark")
COPY_BATCH_ROWS = 200_000


def raw_files(raw_dir: Path) -> list[Path]:
    """The raw tables of a folder, one Parquet file each."""
    files = sorted(raw_dir.glob("*.parquet"))
    if not files:
        raise ChwError(f"no raw Parquet files in {raw_dir}", ExitCode.BAD_INPUT)
    return files


def load_raw(raw_dir: Path, target: str) -> dict[str, int]:
    """(Re)create every raw table in schema `raw` of `target`; return the rows loaded per table."""
    if target == "postgres":
        return load_postgres(raw_dir)
    if target == "spark":
        return load_spark(raw_dir)
    raise ChwError(
        f"nothing to load for target {target!r}: DuckDB reads the Parquet files in place; "
        f"choose one of {', '.join(TARGETS)}",
        ExitCode.USAGE,
    )


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_type(arrow_type: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type (timestamps are naive UTC by contract)."""
    checks: list[tuple[bool, str]] = [
        (pa.types.is_boolean(arrow_type), "boolean"),
        (pa.types.is_int64(arrow_type) or pa.types.is_uint32(arrow_type), "bigint"),
        (pa.types.is_integer(arrow_type), "integer"),
        (pa.types.is_floating(arrow_type), "double precision"),
        (pa.types.is_decimal(arrow_type), "numeric"),
        (pa.types.is_date(arrow_type), "date"),
        (pa.types.is_timestamp(arrow_type), "timestamp"),
    ]
    return next((sql_type for matches, sql_type in checks if matches), "text")


def _as_naive_utc(table: pa.Table) -> pa.Table:
    """Timestamps with a time zone become naive UTC, which is what the sources promise."""
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = table.column(index).cast(pa.timestamp(field.type.unit, tz="UTC"))
            naive = naive.cast(pa.timestamp(field.type.unit))
            table = table.set_column(index, field.name, naive)
    return table


def _csv_batches(path: Path) -> Iterator[bytes]:
    """The file as CSV chunks COPY understands: no header, empty unquoted field = null."""
    parquet = pq.ParquetFile(path)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in parquet.iter_batches(batch_size=COPY_BATCH_ROWS):
        buffer = io.BytesIO()
        pa_csv.write_csv(_as_naive_utc(pa.Table.from_batches([batch])), buffer, options)
        yield buffer.getvalue()


def postgres_connection_params() -> dict[str, str | int]:
    """Connection parameters from the variables profiles.yml reads, with the same defaults."""
    return {
        "host": os.environ.get("CHW_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("CHW_PG_PORT", "5432")),
        "user": os.environ.get("CHW_PG_USER", "postgres"),
        "password": os.environ.get("CHW_PG_PASSWORD", ""),
        "dbname": os.environ.get("CHW_PG_DATABASE", "customer_health"),
    }


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def load_postgres(raw_dir: Path) -> dict[str, int]:
    """COPY every Parquet file into raw.<table> (dropped and recreated) in one transaction."""
    import psycopg2

    loaded: dict[str, int] = {}
    connection = psycopg2.connect(**postgres_connection_params())
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            for path in raw_files(raw_dir):
                table = f"{RAW_SCHEMA}.{_quote(path.stem)}"
                schema = pq.read_schema(path)
                columns = ", ".join(
                    f"{_quote(field.name)} {postgres_type(field.type)}" for field in schema
                )
                cursor.execute(f"drop table if exists {table} cascade")
                cursor.execute(f"create table {table} ({columns})")
                for chunk in _csv_batches(path):
                    cursor.copy_expert(
                        f"copy {table} from stdin with (format csv)", io.BytesIO(chunk)
                    )
                cursor.execute(f"analyze {table}")
                loaded[path.stem] = pq.read_metadata(path).num_rows
    finally:
        connection.close()
    return loaded


# --- Spark -----------------------------------------------------------------------------------


def spark_session():  # type: ignore[no-untyped-def]
    """The local SparkSession dbt-spark's session method uses (same process: same catalog)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.appName("customer_health")
        .config("spark.sql.session.timeZone", "UTC")
        .enableHiveSupport()
        .getOrCreate()
    )


def load_spark(raw_dir: Path) -> dict[str, int]:
    """Write every Parquet file as table raw.<table> (overwritten) through a local SparkSession."""
    spark = spark_session()
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    loaded: dict[str, int] = {}
    for path in raw_files(raw_dir):
        frame = spark.read.parquet(str(path.resolve()))
        frame.write.mode("overwrite").format("parquet").saveAsTable(f"{RAW_SCHEMA}.{path.stem}")
        loaded[path.stem] = pq.read_metadata(path).num_rows
    return loaded


def main(argv: list[str]) -> None:
    """`python -m chw.load <postgres|spark> <raw_dir>`: load in a fresh process (Spark's JVM)."""
    target, raw_dir = argv
    rows = load_raw(Path(raw_dir), target)
    print(f"loaded {sum(rows.values()):,} rows into {len(rows)} tables of {target}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
