"""Selection rounds, proposals, candidates, consultations, on-site office sessions and year-end verdicts."""
