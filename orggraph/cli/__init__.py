"""The ``orggraph`` command line (typer + rich)."""
