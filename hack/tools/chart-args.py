#!/usr/bin/env python3
"""Prints, one per line as a JSON array, the args of every `doze` container in rendered chart
manifests (stdin), with $(VAR) from the container's downward-API env replaced by a sample value,
as the kubelet would expand them. Used by hack/verify-deploy to run the binary on them."""
import json
import re
import sys

import yaml

for doc in yaml.safe_load_all(sys.stdin):
    if not doc or doc.get("kind") != "Deployment":
        continue
    for c in doc["spec"]["template"]["spec"]["containers"]:
        env = {e["name"]: f"sample-{e['name'].lower()}" for e in c.get("env", [])}
        args = [re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), a) for a in c.get("args", [])]
        print(json.dumps(args))
