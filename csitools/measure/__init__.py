"""The measure stage: a ``Register`` and its metric data in, a ``RegisterStatus`` out.

In: the model from ``csitools.register`` and the CSV files its KPIs name.
Out: ``csvdata`` reads each CSV once (cells parsed, bad cells located), ``series``
turns a KPI's source into one value per period, ``health`` holds the arithmetic of
health, ``priority`` the score, lane and ROI, and ``status`` applies them to every
target and entry: the one definition every page and command uses.
"""
