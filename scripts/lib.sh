# Shared by scripts/run and scripts/test: a virtualenv with the project's dependencies.
VENV=${VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

# ensure_venv [extras]: scripts/test passes "test" (pytest, Playwright, schemathesis, ...);
# scripts/run passes nothing and installs only what running the service needs.
ensure_venv() {
  local extras=${1:-}
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # Reinstall only when pyproject.toml (or the extras asked for) changed since the last
  # install; a venv with the test extras serves scripts/run too.
  local digest
  digest=$(sha1sum pyproject.toml | cut -c1-12)
  if [ ! -f "$VENV/.installed-$digest-$extras" ] \
     && { [ -n "$extras" ] || [ ! -f "$VENV/.installed-$digest-test" ]; }; then
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -e "$spec"
    rm -f "$VENV"/.installed-*
    touch "$VENV/.installed-$digest-$extras"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_install() {
  # Debian packages the tests need, installed only when missing.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
}
