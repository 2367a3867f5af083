"""Property-based fuzz tests: every form, sent what people and attackers might send.

The rules under test: no request answers 500, and nothing already saved is lost (a valid save
changes only what its form is for). Run them with ``pytest tests/fuzz``; for a deeper, slower
search set ``FUZZ_EXAMPLES=500``. Examples are derandomised, so a failure reproduces exactly.
"""
