"""Screening: what programme officers do with sent applications. The queue and its CSV export,
the eligibility checklist and outcome, staff notes, history, deadline extensions, assisted entry
for groups who apply by phone or on paper, and the staff-conflict rules (grants.screening.access).

It builds on applications (it moves them only through their life cycle) and never the reverse.
"""
