#!/usr/bin/env python3
"""Checks CRDs the way kube-apiserver does before serving them, and Apps against them.

Usage: check-crd.py CRD.yaml [EXAMPLE.yaml ...]

1. Structural schema (kube-apiserver's rules for apiextensions.k8s.io/v1): every node has a
   `type` (unless it is x-kubernetes-int-or-string, or x-kubernetes-preserve-unknown-fields with
   no type); `additionalProperties` never beside `properties`; `metadata` at the root restricts
   nothing but name/generateName; no `additionalProperties` at the root.
2. Every object of the CRD's kind in the examples validates against the served version's
   openAPIV3Schema (types, required, enum, pattern, bounds, unknown fields), read by the
   jsonschema library: an independent reading from the local cluster's own validation.
   CEL rules (x-kubernetes-validations) are left to the API server (the local cluster runs them).
Prints each problem and exits 1 if there is any.
"""
import sys

import jsonschema
import yaml

NON_SCHEMA_KEYS = {"description", "example", "default", "enum", "format", "pattern", "required",
                   "nullable", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                   "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                   "uniqueItems", "multipleOf", "title"}


def structural_errors(node, path, root=False):
    errs = []
    if not isinstance(node, dict):
        return [f"{path}: not a schema object"]
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if "type" not in node and not int_or_string and not preserve:
        errs.append(f"{path}.type: must not be empty (every node is typed)")
    if root and node.get("type") != "object":
        errs.append(f"{path}.type: must be object at the root")
    if "properties" in node and "additionalProperties" in node:
        errs.append(f"{path}: additionalProperties and properties are mutually exclusive")
    if root and "additionalProperties" in node:
        errs.append(f"{path}.additionalProperties: must not be used at the root")
    for bad in ("$ref", "definitions", "dependencies", "patternProperties", "externalDocs"):
        if bad in node:
            errs.append(f"{path}.{bad}: not allowed in a structural schema")
    for name, sub in (node.get("properties") or {}).items():
        errs += structural_errors(sub, f"{path}.properties[{name}]")
    if isinstance(node.get("items"), dict):
        errs += structural_errors(node["items"], f"{path}.items")
    if isinstance(node.get("additionalProperties"), dict):
        errs += structural_errors(node["additionalProperties"], f"{path}.additionalProperties")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key) or []):
            # Value validations only: no types or defaults under the logical junctors.
            for forbidden in ("type", "default", "additionalProperties", "nullable"):
                if forbidden in sub:
                    errs.append(f"{path}.{key}[{i}].{forbidden}: must not be set in a logical junctor")
    if root:
        meta = (node.get("properties") or {}).get("metadata")
        if meta is not None:
            errs += metadata_errors(meta, f"{path}.properties[metadata]")
    return errs


def metadata_errors(meta, path):
    """At the root, metadata may say it is an object and restrict only name and generateName."""
    errs = []
    for key in meta:
        if key not in ("type", "description", "properties"):
            errs.append(f"{path}.{key}: metadata may only restrict name and generateName")
    if meta.get("type", "object") != "object":
        errs.append(f"{path}.type: must be object")
    for name, sub in (meta.get("properties") or {}).items():
        if name not in ("name", "generateName"):
            errs.append(f"{path}.properties[{name}]: metadata may only restrict name and generateName")
        elif sub.get("type", "string") != "string" or set(sub) - {"type", "description", "pattern", "maxLength", "minLength"}:
            errs.append(f"{path}.properties[{name}]: only string type, pattern and lengths are allowed")
    return errs


def to_json_schema(node):
    """The openAPIV3Schema as JSON Schema: int-or-string nodes accept integers and strings;
    `nullable` admits null; unknown fields are rejected unless preserved (as kubectl --validate=strict
    and the API server's field validation would report them)."""
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if not k.startswith("x-kubernetes-")}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    if node.get("nullable") and "type" in out and isinstance(out["type"], str):
        out["type"] = [out["type"], "null"]
    if "properties" in node:
        out["properties"] = {k: to_json_schema(v) for k, v in node["properties"].items()}
        if not node.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in node:
            out["additionalProperties"] = False
    if isinstance(node.get("items"), dict):
        out["items"] = to_json_schema(node["items"])
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = to_json_schema(node["additionalProperties"])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            out[key] = [to_json_schema(s) for s in node[key]]
    if "not" in node:
        out["not"] = to_json_schema(node["not"])
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        crds = [d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition"]
    problems = []
    schemas = {}
    for crd in crds:
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for v in crd["spec"]["versions"]:
            schema = (v.get("schema") or {}).get("openAPIV3Schema")
            where = f"{crd['metadata']['name']} {v['name']}: spec.versions[{v['name']}].schema.openAPIV3Schema"
            if schema is None:
                problems.append(f"{where}: missing")
                continue
            problems += [f"{crd['metadata']['name']}: {e}" for e in
                         structural_errors(schema, f"spec.versions[{v['name']}].schema.openAPIV3Schema", root=True)]
            if v.get("served"):
                schemas[(f"{group}/{v['name']}", kind)] = to_json_schema(schema)
    checked = 0
    for path in argv[2:]:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            schema = schemas.get((doc.get("apiVersion"), doc.get("kind")))
            if schema is None:
                continue
            # The API server fills metadata; the schema's metadata node only says "object".
            validator = jsonschema.Draft4Validator(schema)
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
                field = ".".join(str(p) for p in e.path) or "(root)"
                problems.append(f"{path}: {doc['kind']} {doc['metadata'].get('name')}: {field}: {e.message}")
            checked += 1
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"check-crd: {len(crds)} CRD(s) structural; {checked} object(s) valid against them")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
