"""Each round's report templates: one per kind of report, versioned, with custom questions."""
