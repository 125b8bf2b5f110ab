#!/usr/bin/env bash
# The App CRD compiled into `doze dev` must equal deploy/crds/doze.dev_apps.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 hack/gen-embedded-crd --check
echo "Sources/doze/EmbeddedAppCRD.swift: in sync with deploy/crds/doze.dev_apps.json"
