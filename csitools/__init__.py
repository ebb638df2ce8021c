"""csitools: a Continual Improvement Register kept as code."""

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml reads it from here (and so
does the wheel's metadata), ``csi --version`` and ``csi init`` print it."""
