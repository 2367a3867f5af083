"""Funds and their rounds: money, dates, eligibility rules, scoring criteria and custom questions."""
