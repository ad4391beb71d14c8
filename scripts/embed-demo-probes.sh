#!/usr/bin/env bash
# Regenerates Sources/CanaryCore/Demo/DemoProbes.swift from probes/demo.yaml, which `canary
# demo` compiles in; a test fails when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
text = open("probes/demo.yaml").read()
assert '"""#' not in text
path = "Sources/CanaryCore/Demo/DemoProbes.swift"
source = open(path).read()
start = source.index('#"""\n') + len('#"""\n')
end = source.index('"""#')
# A multi-line literal drops the newline before its closing delimiter: keep one more.
open(path, "w").write(source[:start] + text + "\n" + source[end:])
PY
