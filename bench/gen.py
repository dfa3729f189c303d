"""Realistic Kubernetes documents for the benchmarks: a mixed Windows/Linux estate."""
from __future__ import annotations

import random

WIN_IMAGES = ["mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
              "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019",
              "mcr.microsoft.com/windows/nanoserver:ltsc2025", "contoso.azurecr.io/payments/api:2.14.1"]
LINUX_IMAGES = ["nginx:1.27", "ghcr.io/acme/worker:v3.2.0", "redis:7.2-alpine", "quay.io/prometheus/node-exporter:v1.8.1"]


def deployment(i: int, rng: random.Random) -> str:
    windows = rng.random() < 0.4
    image = rng.choice(WIN_IMAGES if windows else LINUX_IMAGES)
    target = ("      os: {name: windows}\n      nodeSelector:\n        kubernetes.io/os: windows\n"
              "      tolerations:\n      - {key: os, operator: Equal, value: windows, effect: NoSchedule}\n") if windows and rng.random() < 0.7 \
        else ("      nodeSelector:\n        kubernetes.io/os: linux\n" if not windows and rng.random() < 0.8 else "")
    sc = "        securityContext:\n          runAsUser: 1000\n          readOnlyRootFilesystem: true\n" if rng.random() < 0.3 else ""
    kind = rng.choice(["Deployment", "Deployment", "StatefulSet", "DaemonSet"])
    # a DaemonSet has no replicas (the API server's strict decoding rejects the field)
    replicas = "" if kind == "DaemonSet" else f"  replicas: {rng.randint(1, 6)}\n"
    return f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: app-{i}
  namespace: team-{i % 17}
  labels: {{app: app-{i}, tier: backend, owner: team-{i % 17}}}
  annotations:
    deployment.kubernetes.io/revision: "{i % 9 + 1}"
    description: >-
      Service {i} of the estate; this annotation is long on purpose, as real ones are,
      with a folded block scalar that spans several lines of text.
spec:
{replicas}  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}, tier: backend}}
    spec:
{target}      containers:
      - name: main
        image: {image}
        args: ["--port=8080", "--log-level=info", "--feature-x={'true' if i % 2 else 'false'}"]
        ports:
        - {{containerPort: 8080, name: http}}
        env:
        - {{name: MODE, value: production}}
        - {{name: REPLICA, valueFrom: {{fieldRef: {{fieldPath: metadata.name}}}}}}
        resources:
          requests: {{cpu: 250m, memory: 256Mi}}
          limits: {{cpu: "1", memory: 1Gi}}
{sc}        readinessProbe:
          httpGet: {{path: /healthz, port: 8080}}
          periodSeconds: 10
        volumeMounts:
        - {{name: config, mountPath: /etc/app}}
      volumes:
      - name: config
        configMap: {{name: app-{i}-config}}
"""


def service(i: int) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  selector: {{app: app-{i}}}
  ports:
  - {{port: 80, targetPort: 8080, protocol: TCP}}
"""


def configmap(i: int) -> str:
    body = "\n".join(f"    key{k}=value-{i}-{k}" for k in range(12))
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  namespace: team-{i % 17}
data:
  app.properties: |
{body}
"""


def documents(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = i % 3
        out.append(deployment(i, rng) if r == 0 else service(i) if r == 1 else configmap(i))
    return out
