"""Customer health warehouse: orchestration and data-quality checks around the dbt project."""

__version__ = "0.1.0"
