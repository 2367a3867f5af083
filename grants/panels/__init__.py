"""Panels: co-production panels of residents and partners who score eligible applications.

Members, their representation and the panel's composition; assignment of applications; conflicts
of interest declared before any detail is shown; independent scoring; and the aggregation that
turns scores into a fair ranking (``grants.panels.aggregation``, pure functions).

It builds on screening and applications (it moves applications only through their life cycle)
and never the reverse.
"""
