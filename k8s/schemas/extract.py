#!/usr/bin/env python3
"""Trims public API schemas down to the kinds k8s/*.yaml uses, as strict JSON Schemas.

The test k8s ManifestSchemaTest validates every manifest against what this writes. Inputs are
read from git snapshots of the publishing projects (their CRDs and the Kubernetes OpenAPI v3
documents that kubectl-validate carries), so nothing here is copied by hand:

  extract.py OUT_DIR K8S_REPO K8S_VERSION STRIMZI_REPO STRIMZI_TAG ECK_REPO ECK_TAG

Each output file is {"apiVersion": ..., "kind": ..., "schema": <JSON Schema draft 2020-12>}.
"Strict" means an object schema that lists its properties and does not preserve unknown fields
refuses any other field, as `kubectl apply --validate=strict` does.
"""
import json
import subprocess
import sys
import yaml

K8S_KINDS = {  # OpenAPI document -> kinds
    "api/v1.json": ["Namespace", "ConfigMap", "Secret", "Service", "ServiceAccount"],
    "apis/apps/v1.json": ["Deployment", "StatefulSet", "DaemonSet"],
    "apis/policy/v1.json": ["PodDisruptionBudget"],
    "apis/scheduling.k8s.io/v1.json": ["PriorityClass"],
}
STRIMZI = {"040-Crd-kafka.yaml": "Kafka", "045-Crd-kafkanodepool.yaml": "KafkaNodePool",
           "043-Crd-kafkatopic.yaml": "KafkaTopic"}
ECK_KINDS = {"Elasticsearch", "Kibana"}


def git_show(repo, rev, path):
    return subprocess.run(["git", "--git-dir", repo, "show", f"{rev}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def strict(node):
    """A schema with additionalProperties: false where the API server would refuse unknown fields.

    Prose and the x-kubernetes-* annotations go (validators do not know them); names inside
    "properties" and "$defs" are field and definition names, kept whatever they are.
    """
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ("properties", "$defs", "patternProperties"):
            out[k] = {name: strict(sub) for name, sub in v.items()}
        elif k in ("description", "example", "examples") or k.startswith("x-kubernetes-"):
            continue
        else:
            out[k] = strict(v)
    if "properties" in out and "additionalProperties" not in out \
            and not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def kubernetes(out_dir, repo, version):
    for doc, kinds in K8S_KINDS.items():
        spec = json.loads(git_show(repo, "HEAD", f"pkg/openapiclient/builtins/{version}/{doc}"))
        schemas = spec["components"]["schemas"]
        for kind in kinds:
            root = next(n for n, s in schemas.items()
                        if any(g["kind"] == kind for g in s.get("x-kubernetes-group-version-kind", [])))
            gvk = next(g for g in schemas[root]["x-kubernetes-group-version-kind"] if g["kind"] == kind)
            needed, todo = {}, [root]
            while todo:  # the definitions this kind reaches, nothing else
                name = todo.pop()
                if name in needed:
                    continue
                needed[name] = schemas[name]
                text = json.dumps(schemas[name])
                for part in text.split('"#/components/schemas/')[1:]:
                    todo.append(part.split('"')[0])
            defs = json.loads(json.dumps(needed).replace("#/components/schemas/", "#/$defs/"))
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                      "$ref": "#/$defs/" + root, "$defs": {n: strict(d) for n, d in defs.items()}}
            api = gvk["version"] if not gvk["group"] else gvk["group"] + "/" + gvk["version"]
            write(out_dir, f"kubernetes-{version}", kind, api, schema)


def crd_versions(text, version):
    for crd in yaml.safe_load_all(text):
        if crd and crd.get("kind") == "CustomResourceDefinition":
            for v in crd["spec"]["versions"]:
                if v["name"] == version:
                    yield crd["spec"]["group"] + "/" + version, crd["spec"]["names"]["kind"], \
                        v["schema"]["openAPIV3Schema"]


def strimzi(out_dir, repo, tag):
    for file, kind in STRIMZI.items():
        for api, k, schema in crd_versions(git_show(repo, tag, "install/cluster-operator/" + file), "v1"):
            write(out_dir, f"strimzi-{tag}", k, api, strict(schema))


def eck(out_dir, repo, tag):
    for api, kind, schema in crd_versions(git_show(repo, tag, "config/crds/v1/all-crds.yaml"), "v1"):
        if kind in ECK_KINDS:
            write(out_dir, f"eck-{tag}", kind, api, strict(schema))


def write(out_dir, source, kind, api, schema):
    import os
    os.makedirs(f"{out_dir}/{source}", exist_ok=True)
    with open(f"{out_dir}/{source}/{kind.lower()}.json", "w") as f:
        json.dump({"apiVersion": api, "kind": kind, "schema": schema}, f, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    out, k8s_repo, k8s_version, strimzi_repo, strimzi_tag, eck_repo, eck_tag = sys.argv[1:8]
    kubernetes(out, k8s_repo, k8s_version)
    strimzi(out, strimzi_repo, strimzi_tag)
    eck(out, eck_repo, eck_tag)
