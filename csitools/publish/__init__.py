"""The publish stage: a register, its status and history in, a static site out.

In: the ``Validation`` from ``csitools.validation`` and the ``History`` from
``csitools.history``. Out: ``charts`` (specs -> drawing -> cached files), ``pages``
(the Markdown of every generated page, one row of ``page_table`` each, from the Jinja2
templates in ``templates/csi``), with ``words`` for numbers, dates and sentences,
``fragments`` for badges, links and chart images, ``benefits`` for the value pages and
``markdown``, the one module that makes user text inert; ``references`` (field and
command reference pages), ``sitefolder`` (which site folders a build may empty) and
``plugin`` (the MkDocs plugin ``csi``, a thin adapter).
"""
