#!/usr/bin/env bash
# `npm run setup`: what `npm test` needs beyond Node, on a Debian-like machine. Used by .ci/run too, so
# CI and a newcomer install the same list. As root it installs what is missing (apt, and pip for ruff);
# otherwise, or with --check, it installs nothing, prints the exact commands and exits 1 if anything is missing.
# Only shell builtins are used before installing, so the check also works with a PATH that lacks the tools.
set -euo pipefail

# Where the fixed-path checks look; tests point it at an empty folder to see a machine without the tools.
root="${ASP_SETUP_ROOT:-}"
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

need_apt=()
command -v nats-server >/dev/null 2>&1 || [ -x "$root/usr/sbin/nats-server" ] || need_apt+=(nats-server)
# The browser tests (dashboard, watch) launch /usr/bin/chromium.
command -v chromium >/dev/null 2>&1 || [ -x "$root/usr/bin/chromium" ] || need_apt+=(chromium)
command -v unshare >/dev/null 2>&1 || need_apt+=(util-linux)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
# The test agent's sandbox; without it the agent falls back to unshare and says so in its report.
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
# The test agent's C++ tests build a GoogleTest project with find_package(GTest).
[ -f "$root/usr/include/gtest/gtest.h" ] || need_apt+=(libgtest-dev)
# The compile phase lints generated Python with ruff.
need_ruff=false
python3 -m ruff --version >/dev/null 2>&1 || need_ruff=true

if [ ${#need_apt[@]} -eq 0 ] && [ "$need_ruff" = false ]; then
  exit 0
fi

if [ "$check_only" = true ] || [ "${EUID}" -ne 0 ]; then
  echo "missing for npm test:${need_apt[*]:+ ${need_apt[*]}}$([ "$need_ruff" = true ] && echo " ruff")" >&2
  echo "run these as root (or run \`sudo npm run setup\`):" >&2
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "  apt-get update" >&2
    echo "  apt-get install -y ${need_apt[*]}" >&2
  fi
  [ "$need_ruff" = true ] && echo "  python3 -m pip install ruff" >&2
  exit 1
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ "$need_ruff" = true ]; then
  python3 -m pip install -q ruff
fi
