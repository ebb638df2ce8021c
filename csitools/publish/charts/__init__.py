"""Charts: ``specs`` (register + series + status -> chart specs, plain data),
``drawing`` (a spec -> SVG/PNG bytes with matplotlib Agg) and ``files`` (charts into
files: content-hash cache, process pool, manifest of what csi wrote)."""
