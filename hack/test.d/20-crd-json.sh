#!/usr/bin/env bash
# The committed CRD JSON (read by the Swift tests) must match the CRD YAML (what users apply).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 hack/gen-crd-json --check
echo "deploy/crds: JSON in sync with YAML"
