"""The register stage: files in, a validated ``Register`` out.

In: the YAML files under ``register/`` and ``kpis/`` and ``site_config/register.yml``.
Out: ``load`` gives plain data with line numbers (``Document``), ``schema`` checks
each document against its JSON Schema (shipped in ``csitools/schemas/``), ``model``
builds the frozen ``Register``, and ``checks`` applies the rules that span files.
Every module returns problems as values (``csitools.problems.Problem``); none prints.
"""
