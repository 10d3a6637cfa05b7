"""Synthetic sample registry for Kelurahan Tanjung Barat (3174091005).

``python -m samplegen --seed 20261129 --out data/sample/`` writes
``tanjung-barat-registry.csv`` (docs/registry-data.md format) and
``opensid-sample.xlsx`` (OpenSID's resident import sheet). Every person is
invented; the sizes are synthetic because no official counts of residents,
households, RW and RT for Tanjung Barat were found (docs/domain.md).
"""
DEFAULT_SEED = 20261129
CSV_NAME = "tanjung-barat-registry.csv"
XLSX_NAME = "opensid-sample.xlsx"
