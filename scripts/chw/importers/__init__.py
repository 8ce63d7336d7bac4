"""Importers: public data sets mapped into the raw data contract (SPEC §3), so the pipeline
and the calibration run on data our generator did not make."""
