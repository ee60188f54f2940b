"""Handlers of the `gongkai` verbs, one module per verb group (argument parsing lives in cli.py):
rules.py (check, test, list, bundle), backtest.py (rules backtest), documents.py (explain, suggest,
evaluate) and model.py (train, version), on what common.py shares (emit, diagnostics, loading)."""
