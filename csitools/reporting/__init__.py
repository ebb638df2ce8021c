"""Reporters: the only code that turns results into text for people and programs.

``problems`` formats validation problems (``csi validate --format text|json|github``
and every command that lists problems), ``status`` the computed status (``csi status
--format table|json|csv``; the dicts behind its JSON, and ``csi export``, are in
``measure.export``, which the site's downloads share), ``diff`` a comparison of two
revisions (``csi diff --format markdown|json``), ``digest`` each owner's digest (``csi
digest --format markdown|json``). Reporters take data and return text; they never print
and never read files.
"""

from csitools.measure.export import attributes

__all__ = ["attributes"]
"""``attributes`` lives with the status dicts in ``measure.export`` (the site publishes
them too, and ``publish`` comes before ``reporting``)."""
