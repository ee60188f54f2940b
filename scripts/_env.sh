# Sourced by scripts/run and scripts/test: make .venv (Python 3.11 or 3.12) and install the project
# into it whenever pyproject.toml changed. Every install step lives here, so a clean clone needs
# nothing else.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
pick_python() {
  for candidate in "${GONGKAI_PYTHON:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "gongkai needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); set GONGKAI_PYTHON" >&2
  return 1
}
stamp="$VENV/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
say() { echo "gongkai: $*" >&2; }
if [ ! -f "$stamp" ]; then
  # The first run spends minutes here: say so, and let pip show each package it fetches (on stderr,
  # so that a command's own output on stdout stays clean).
  started=$SECONDS
  if [ -x "$VENV/bin/python" ]; then
    say "pyproject.toml changed: updating .venv (a minute or more)…"
  else
    PY="$(pick_python)"
    say "setting up .venv with $("$PY" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])') (first run only, a few minutes)…"
    "$PY" -m venv "$VENV"
  fi
  say "step 1/2: upgrading pip"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
  say "step 2/2: installing gongkai and its libraries (about 90 packages; pip lists each one)"
  "$VENV/bin/python" -m pip install --progress-bar on -e "$ROOT[dev]" >&2
  rm -f "$VENV"/.installed-*
  touch "$stamp"
  say ".venv ready in $((SECONDS - started)) s"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
# axe-core for the browser tests' accessibility checks (tests/browser/helpers.py injects it into each page),
# from the npm registry into .cache/npm (gitignored), when missing. Without npm the browser tests say so.
if [ ! -f "$ROOT/.cache/npm/node_modules/axe-core/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    say "installing axe-core 4 into .cache/npm (the browser tests' accessibility check)"
    npm install --prefix "$ROOT/.cache/npm" --no-audit --no-fund --silent axe-core@4 >&2 \
      || say "npm could not install axe-core: the browser tests' accessibility checks will fail or skip"
  else
    say "npm is missing: axe-core is not installed, the browser tests' accessibility checks will fail or skip"
  fi
fi
# The model scripts/run and scripts/demo need, trained when missing. Announced here because it is the
# longest wait of a first run (figures: README, Quick start); `gongkai train` then shows each step.
train_if_needed() {
  local model="${GONGKAI_MODEL-${GONGKAI_DATA:-data}/artifacts/classifier}"
  if [ -n "$model" ] && [ ! -f "$model/metadata.json" ]; then
    say "training the classifier into $model (first run only: 5-fold cross-validation, then the final fit;"
    say "about 95 s of CPU, 3 to 4 minutes on a busy 2-core machine)…"
  fi
  gongkai train --if-needed >&2   # its figures to stderr, like its progress
}
