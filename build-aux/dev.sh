#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up a Debian 12 machine for SixChat (installing what is missing), builds
# it with Meson in _build/ and then runs it or its whole test suite.
#
#   build-aux/dev.sh run [ARGS…]   build, then run SixChat (the GTK app; ARGS go to it)
#   build-aux/dev.sh test [ARGS…]  build, then run every test suite (ARGS go to meson test)
#   build-aux/dev.sh meson-options print the Meson options of the build, one a line
#                                  (with CI=true: CI's, which the Flatpak manifest repeats)
#
# Idempotent: packages already installed and an existing build are reused.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
build="$top/_build"

packages=(
  # toolchain
  gcc libc6-dev meson ninja-build pkg-config python3
  # libraries
  libglib2.0-dev libgnutls28-dev libjson-glib-dev libsqlite3-dev
  libgtk-4-dev libadwaita-1-dev gettext
  # what the app looks like: icons and the GNOME font
  adwaita-icon-theme fonts-cantarell
  # tests: real third-party TLS peers, certificate tools, a display and a session bus
  gnutls-bin openssl sqlite3 ca-certificates xvfb xauth dbus
  # tests: the data files' validators and the Flatpak manifest's parser
  desktop-file-utils appstream flatpak-builder
)

install_packages () {
  local missing=()
  local p
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The options of every build; CI's (CI=true) are the Flatpak manifest's
# config-opts too, which tests/check-flatpak.py checks.
meson_options () {
  local werror=false
  [ "${CI:-}" = "true" ] && werror=true
  echo "-Dtests=true"
  echo "-Dwerror=$werror"
}

build () {
  local options
  mapfile -t options < <(meson_options)
  if [ -f "$build/build.ninja" ]; then
    meson configure "$build" "${options[@]}" >/dev/null
  else
    meson setup "$build" "${options[@]}"
  fi
  meson compile -C "$build"
}

# "N passed, N failed" over every GTest case (TAP lines) of the last run.
summarize () {
  python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    cases = re.findall(r'^(ok|not ok) \d+[^\n]*', t.get('stdout') or '', re.M)
    if not cases:
        if t['result'] in ('OK', 'EXPECTEDFAIL'): passed += 1
        elif t['result'] == 'SKIP': skipped += 1
        else: failed += 1
        continue
    for m in re.finditer(r'^(ok|not ok) \d+([^\n]*)', t['stdout'], re.M):
        if m.group(1) == 'not ok': failed += 1
        elif '# SKIP' in m.group(2): skipped += 1
        else: passed += 1
    if t['result'] not in ('OK', 'EXPECTEDFAIL', 'SKIP') and 'not ok' not in t['stdout']:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

cmd=${1:-}
[ $# -gt 0 ] && shift

case "$cmd" in
  run)
    install_packages
    build
    # The settings schema as built, not installed.
    export GSETTINGS_SCHEMA_DIR="$build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
    exec "$build/src/app/sixchat" "$@"
    ;;
  meson-options)
    meson_options
    ;;
  test)
    install_packages
    build
    status=0
    meson test -C "$build" --print-errorlogs "$@" || status=$?
    summarize
    exit $status
    ;;
  *)
    echo "usage: $0 run|test [ARGS…] | meson-options" >&2
    exit 2
    ;;
esac
