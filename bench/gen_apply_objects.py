#!/usr/bin/env python3
"""Write the apply benchmark's manifests: N ConfigMaps and M Deployments.

Usage: gen_apply_objects.py OUTDIR [--configmaps 300] [--deployments 100] [--version 1]
The --version number changes every object's content (a data value, the image
tag), so a second run with another version makes every object "configured".
One file per object in OUTDIR/objects/, names sorted in apply order.
"""
import argparse
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--configmaps", type=int, default=300)
    ap.add_argument("--deployments", type=int, default=100)
    ap.add_argument("--version", type=int, default=1)
    ap.add_argument("--namespace", default="bench")
    a = ap.parse_args()
    d = os.path.join(a.outdir, "objects")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    for i in range(a.configmaps):
        with open(os.path.join(d, f"cm-{i:04d}.yaml"), "w") as f:
            f.write(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{i:04d}
  namespace: {a.namespace}
  labels:
    app: bench
    tier: config
data:
  LOG_LEVEL: info
  FEATURE_X: "on"
  REVISION: "{a.version}"
  config.yaml: |
    server:
      port: {8000 + i}
      workers: 4
    revision: {a.version}
""")
    for i in range(a.deployments):
        with open(os.path.join(d, f"deploy-{i:04d}.yaml"), "w") as f:
            f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i:04d}
  namespace: {a.namespace}
  labels:
    app: web-{i:04d}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web-{i:04d}
  template:
    metadata:
      labels:
        app: web-{i:04d}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.{a.version}
        ports:
        - containerPort: 8080
        env:
        - name: REVISION
          value: "{a.version}"
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
      - name: sidecar
        image: registry.example.com/side:2.{a.version}
""")


if __name__ == "__main__":
    main()
