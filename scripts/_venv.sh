# Sourced by the other scripts: make "$VENV" (default .venv) hold Hansei and the exact
# dependency versions of constraints.txt. Reinstalls only when pyproject.toml or
# constraints.txt changed since the last install.

VENV="${HANSEI_VENV:-.venv}"

ensure_venv() {
  local extras="${1:-}" spec="." stamp want python="${PYTHON:-python3}"
  shift || true
  if [[ -n "$extras" ]]; then spec=".[$extras]"; fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "Hansei needs Python 3.11 or newer ($python is $("$python" --version 2>&1))." >&2
      exit 2
    fi
    echo "Creating $VENV..."
    "$python" -m venv "$VENV"
  fi
  stamp="$VENV/.hansei-installed${extras:+-$extras}"
  want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1) $*"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "Installing Hansei${extras:+ with [$extras]} into $VENV (pinned by constraints.txt)..."
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -c constraints.txt -e "$spec" "$@"
    echo "$want" > "$stamp"
  fi
}
