#!/usr/bin/env bash
# The objects the controller's renderers produce (Tests/ControllerTests/Golden/*.<kind>*.json) must be
# valid Kubernetes objects for every version we support: kubernetes-validate --strict checks them
# against the upstream OpenAPI schemas (unknown fields, types, required fields).
set -euo pipefail
cd "$(dirname "$0")/../.."
files=()
for f in Tests/ControllerTests/Golden/*.json; do
  case "$f" in *.app.json|*.warnings.json) continue ;; esac
  files+=("$f")
done
((${#files[@]})) || { echo "no rendered goldens found"; exit 1; }
for v in 1.27 1.30 1.33; do
  kubernetes-validate --strict --quiet -k "$v.0" "${files[@]}" || { echo "golden objects invalid for Kubernetes $v"; exit 1; }
done
echo "golden objects: ${#files[@]} valid for Kubernetes 1.27, 1.30, 1.33"
