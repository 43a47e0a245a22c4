#!/usr/bin/env bash
# Installs what `make run` and `make test` need when it is missing:
#   deploy/deps.sh postgres            the PostgreSQL server binaries
#   deploy/deps.sh postgres chromium   … and Debian's chromium for browser tests
#   deploy/deps.sh pgbench             pgbench, for `make bench` (Debian ships it in
#                                      postgresql-NN, pulled in by postgresql)
# As root with apt-get it installs them; otherwise it says what to install.
set -euo pipefail

have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null 2>&1
}
have_pgbench() {
  command -v pgbench >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pgbench" >/dev/null 2>&1
}
have_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

missing=()
for want in "$@"; do
  case "$want" in
    postgres) have_pg || missing+=(postgresql) ;;
    chromium) have_chromium || missing+=(chromium) ;;
    pgbench) have_pgbench || missing+=(postgresql) ;;
    *) echo "deps.sh: unknown dependency $want" >&2; exit 2 ;;
  esac
done

if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  echo "Quire needs the Go toolchain (see go.mod for the version): install it from go.dev/dl or your package manager." >&2
  exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} with apt-get…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "Missing: ${missing[*]}. Install them (on Debian or Ubuntu: sudo apt-get install -y ${missing[*]}) and run again." >&2
exit 1
