"""The access matrix, as data shipped with mlopsctl: `matrix.yaml` (persona x action x resource
-> allow | deny). `mlopsctl access` renders it; tests/personas prove every cell."""

from pathlib import Path

MATRIX_FILE = Path(__file__).resolve().with_name("matrix.yaml")
