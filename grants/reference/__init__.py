"""Reference data: neighbourhoods (wards with deprivation figures) and the fund's principles."""
