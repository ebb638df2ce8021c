"""The register stage: files in, a validated ``Register`` out.

In: the YAML files under ``register/`` and ``kpis/`` and ``site_config/register.yml``.
Out: ``documents`` parses YAML into data with line numbers (``Document``), ``load``
finds and reads the repository's files, ``schema`` checks each document against its
JSON Schema (shipped in ``csitools/schemas/``), ``model`` builds the frozen
``Register``, and ``checks`` applies the rules that span files (with ``lifecycle``
and ``sources``). Every module returns problems as values
(``csitools.problems.Problem``); none prints.
"""
