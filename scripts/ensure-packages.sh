#!/usr/bin/env bash
# Installs Debian packages only when what they provide is missing.
# Usage: ensure-packages.sh CHECK:PACKAGE ...  where CHECK is a command name, a file's
# path, pkg-config:NAME for a library known to pkg-config, so:SONAME for a shared library
# the dynamic linker finds (a package's Recommends, which --no-install-recommends skips,
# such as check_curl's liburiparser), or python3:MODULE for a module Python 3 imports.
set -euo pipefail
missing=()
for pair in "$@"; do
    check=${pair%%:*}
    rest=${pair#*:}
    if [ "$check" = pkg-config ]; then
        name=${rest%%:*}
        package=${rest#*:}
        command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$name" && continue
        missing+=("$package" pkg-config)
    elif [ "$check" = so ]; then
        name=${rest%%:*}
        package=${rest#*:}
        /sbin/ldconfig -p 2>/dev/null | grep -qF "$name " && continue
        missing+=("$package")
    elif [ "$check" = python3 ] && [ "${rest#*:}" != "$rest" ]; then
        module=${rest%%:*}
        package=${rest#*:}
        command -v python3 >/dev/null 2>&1 && python3 -c "import $module" >/dev/null 2>&1 && continue
        missing+=("$package" python3)
    elif [ "${check#/}" != "$check" ]; then
        [ -e "$check" ] && continue
        missing+=("$rest")
    else
        command -v "$check" >/dev/null 2>&1 && continue
        missing+=("$rest")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
