"""Structure: what kube-apiserver refuses before any validation (stage admission). The group/version
must be served by the release; the body must decode into its Go types; under strict field
validation (kubectl's default) every field must be known. Facts: the release's own OpenAPI schema
(knowledge/openapi/) and knowledge/api_removals.yaml; the replay is in winkube/structure/."""
