#!/usr/bin/env bash
# A short libFuzzer run over the HTTP/1.1 parsers (see hack/fuzz-http).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec hack/fuzz-http "${FUZZ_HTTP_SECONDS:-30}"
