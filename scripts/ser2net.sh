#!/usr/bin/env bash
# Finds Debian's ser2net (the RFC 2217 access server the remote-port tests put in front of a simulated
# device), installing the package when it is missing, and prints the path of the binary.
#
#   scripts/ser2net.sh        prints e.g. /usr/sbin/ser2net
#
# Installing needs apt and root (or sudo). The package's own service is not started: the tests run
# ser2net in the foreground with a configuration of their own. Only the path goes to stdout; progress
# and errors go to stderr.
set -euo pipefail

say() { echo "ser2net.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_bin() {
    local candidate
    for candidate in "$(command -v ser2net 2>/dev/null || true)" /usr/sbin/ser2net /usr/bin/ser2net; do
        [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
    return 1
}

install_package() {
    say "ser2net not found; installing Debian's ser2net package"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install the 'ser2net' package first"
        sudo=(sudo -E)
    fi
    # Keep the package's service from starting (there may be no init system, and the tests need no daemon).
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod +x "$policy"
        created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >&2 || true
    local status=0
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold ser2net >&2 || status=$?
    [ -n "$created_policy" ] && "${sudo[@]}" rm -f "$policy"
    [ "$status" -eq 0 ] || die "apt-get install ser2net failed"
    return 0
}

# One installer at a time: test processes may ask together.
exec 9>"${TMPDIR:-/tmp}/station-ser2net.lock"
flock 9

if ! bin="$(find_bin)"; then
    install_package
    bin="$(find_bin)" || die "installed ser2net but found no ser2net binary"
fi
echo "$bin"
