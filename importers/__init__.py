"""Rosters in: readers (csv/xlsx, encodings), header mapping, validation, and sync with a report.
Depends on :mod:`orggraph` only."""
