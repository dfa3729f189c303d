# winkube — every setup step the demo, the tests and the benchmarks need lives here.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: helm kustomize shells dist platforms-oracle wine demo test install control-plane registry browser bench bench-instructions valgrind bench-compare bench-images bench-webhook bench-webhook-attack bench-audit fuzz attack check-sources schemas clean

$(STAMP): pyproject.toml
	@echo "==> [1/3] creating $(VENV) with $$($(PY) --version)"
	@$(PY) -m venv $(VENV)
	@echo "==> [2/3] upgrading pip"
	@$(BIN)/pip install --quiet --upgrade pip
	@echo "==> [3/3] installing winkube (editable) with its test dependencies from PyPI (about a minute the first time)"
	@$(BIN)/pip install --quiet --progress-bar off -e '.[test]'
	@touch $(STAMP)
	@echo "==> ready: $(BIN)/winkube"

install: $(STAMP)

## demo: set everything up and lint the examples on the embedded default profile
demo: $(STAMP)
	@echo "==> winkube lint examples/ (on the embedded default cluster profile)"
	@$(BIN)/winkube lint examples/ ; status=$$?; [ $$status -le 1 ] || exit $$status

## dist: the wheel and the sdist in dist/, built the way pip and CI build them (PEP 517, isolated)
dist: $(STAMP)
	@rm -rf dist
	$(BIN)/python -m build --outdir dist .
	@ls -l dist

## control-plane: build kube-apiserver, kube-scheduler and etcd from their Go modules (cached)
control-plane:
	tools/build-control-plane.sh

## helm: the Helm CLI built from its Go module (cached), for the chart's dry-run test
helm:
	tools/build-helm.sh

## kustomize: kustomize built from its Go module (cached), for the Kustomize lint tests
kustomize:
	tools/build-kustomize.sh

## platforms-oracle: containerd's own image matcher, one driver per release (cached), for tests/compat
platforms-oracle:
	tools/build-platforms-oracle.sh >/dev/null

## wine: Debian's Wine, which runs the Windows-only matchers (containerd 1.6/1.7, platforms v0.2.1/rc.0)
wine:
	@[ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || { \
	  echo "installing Debian's wine64"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64; }

## registry: Debian's docker-registry (the CNCF distribution registry) for the image tests
registry:
	@command -v docker-registry >/dev/null 2>&1 || { \
	  echo "installing Debian's docker-registry"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry; }

## shells: Debian's zsh and fish, in which the completion tests run `winkube completion zsh|fish`
shells:
	@command -v zsh >/dev/null 2>&1 && command -v fish >/dev/null 2>&1 || { \
	  echo "installing Debian's zsh and fish"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zsh fish; }

## browser: Debian's chromium, which renders `winkube audit -o html` in the HTML report test
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

## test: set up everything the suite needs, then run the whole suite
test: $(STAMP) control-plane registry browser shells helm kustomize wine platforms-oracle
	$(BIN)/pytest

## bench: benchmarks (never run as timed tests): throughput, then start-up (what a pre-commit run costs)
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/startup.py

## bench-instructions: lint and parse-only counted under valgrind's cachegrind (instructions, simulated mispredictions and cache misses): deterministic on a shared machine
bench-instructions: $(STAMP) valgrind
	$(BIN)/python bench/instructions.py

## valgrind: Debian's valgrind, for bench-instructions only
valgrind:
	@command -v valgrind >/dev/null 2>&1 || { \
	  echo "installing Debian's valgrind"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind; }

## bench-compare: lint and parse-only throughput of this tree against another checkout (OTHER=path, after its own make install), interleaved on the same documents
bench-compare: $(STAMP)
	@[ -n "$(OTHER)" ] || { echo "usage: make bench-compare OTHER=/path/to/another/checkout"; exit 2; }
	$(BIN)/python bench/compare.py $(OTHER)

## bench-images: resolve 1,000 images from a local registry, cold and warm cache, vs a bare httpx loop
bench-images: $(STAMP) registry
	$(BIN)/python bench/images_bench.py

## bench-audit: winkube audit on a generated dump of 5,000 nodes and 150,000 pods (time, peak memory)
bench-audit: $(STAMP)
	$(BIN)/python bench/audit_bench.py

## bench-webhook: the admission webhook over TLS on loopback: req/s and p50/p99 at 500/s, next to a parse-only floor
bench-webhook: $(STAMP)
	$(BIN)/python bench/webhook_bench.py

## bench-webhook-attack: p50/p99 of ordinary reviews while each hostile client of tests/attack runs, next to no attack
bench-webhook-attack: $(STAMP)
	$(BIN)/python bench/webhook_attack_bench.py

## fuzz: long randomized differential passes against the real kube-apiserver and containerd/platforms (50,000 cases per release),
## and the structural replay's fast paths against its exact walks (30,000 generated and 30,000 mutated objects)
fuzz: $(STAMP) control-plane wine platforms-oracle
	WINKUBE_FUZZ_EXAMPLES=$${WINKUBE_FUZZ_EXAMPLES:-20000} WINKUBE_STRUCT_EXAMPLES=$${WINKUBE_STRUCT_EXAMPLES:-90000} $(BIN)/pytest tests/harness -k differential -p no:cacheprovider
	WINKUBE_ORACLE_CASES=$${WINKUBE_ORACLE_CASES:-50000} $(BIN)/pytest tests/compat/test_oracle_differential.py -p no:cacheprovider
	WINKUBE_STRUCT_FAST_CASES=$${WINKUBE_STRUCT_FAST_CASES:-30000} $(BIN)/pytest tests/test_structure_fast.py -p no:cacheprovider

## check-sources: knowledge/api_validation.yaml and the kubelet rows against kubernetes/kubernetes at each
## release's tag (k8s.io/kubernetes from the Go module proxy: ~6 s and 100 MB unpacked per tag cold; not part of make test)
check-sources: $(STAMP)
	$(BIN)/python tools/check-release-sources.py

## schemas: knowledge/openapi/v<release>.json for every release but the harness's, compacted from the k8s.io/kubernetes
## module at the tag knowledge/api_validation.yaml reads: api/openapi-spec/v3 cut to what a default kube-apiserver serves,
## enums from zz_generated.openapi.go (Go module proxy: ~100 MB unpacked per tag cold; not part of make test).
## The harness's release (1.37) is the real server's dump: `$(BIN)/python tools/openapi-knowledge.py` regenerates it
schemas: $(STAMP)
	$(BIN)/python tools/openapi-knowledge.py --releases

## attack: the long attack tests of issue 10 (tests/attack: hostile servers and clients at the default bounds)
attack: $(STAMP) control-plane registry
	$(BIN)/pytest tests/attack -m attack -p no:cacheprovider -s

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
