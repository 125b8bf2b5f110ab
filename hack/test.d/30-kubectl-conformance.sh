#!/usr/bin/env bash
# Real kubectl 1.27, 1.30 and 1.33 against `doze cluster` (see hack/kubectl-conformance).
exec "$(dirname "$0")/../kubectl-conformance"
