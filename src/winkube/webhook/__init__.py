"""The admission webhook: AdmissionReview in, the engine's findings out as a decision (validate)
or a JSONPatch (mutate). Front door only: nothing about Windows lives here (DESIGN.md).

    policy.py    the webhook's YAML configuration: rule severities, actions, exclusions
    review.py    AdmissionReview parsing and the validating decision
    mutate.py    the mutating patch (Windows / Linux placement), proven safe by the admission replica
    state.py     cluster knowledge kept in memory: the profile (file or live list+watch), image platforms
    app.py       the raw ASGI application (/validate, /mutate, /healthz, /readyz, /metrics)
    metrics.py   Prometheus text format, hand-written
    tls.py       a server SSLContext whose certificate is reloaded when its files change
    server.py    uvicorn + uvloop + httptools, signals, graceful shutdown
    manifests.py the Kubernetes objects that deploy it (`winkube webhook manifests`)
    command.py   `winkube webhook serve | manifests`
"""
