#!/usr/bin/env bash
# Installs canary's man page and its bash, zsh and fish completions, all generated from
# the command definitions of the canary binary given (swift-argument-parser's
# generate-manual and --generate-completion-script), so they cannot drift from it.
# Usage: install-docs.sh CANARY GENERATE_MANUAL DESTDIR_AND_PREFIX
set -euo pipefail
canary=$1
generate_manual=$2
prefix=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$generate_manual" "$canary" --output-directory "$work" >/dev/null
"$canary" --generate-completion-script bash > "$work/canary.bash"
"$canary" --generate-completion-script zsh > "$work/_canary"
"$canary" --generate-completion-script fish > "$work/canary.fish"
install -d "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0644 "$work/canary.1" "$prefix/share/man/man1/canary.1"
install -m 0644 "$work/canary.bash" "$prefix/share/bash-completion/completions/canary"
install -m 0644 "$work/_canary" "$prefix/share/zsh/site-functions/_canary"
install -m 0644 "$work/canary.fish" "$prefix/share/fish/vendor_completions.d/canary.fish"
