"""Rules: the YAML rule language, its loader and checker, and the two evaluators."""
