"""The one engine call behind every front door: documents + cluster profile in, findings out."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from .answer import Answer
from .load.documents import read_text
from .load.inputs import Source
from .model.document import Document
from .model.finding import Finding, InputError, Result, Severity, Stage
from .model.paths import Path, render
from .k8s.keys import IGNORE_ANNOTATION
from .k8s.workloads import CLUSTER_OBJECT_SCOPES as _SCOPE_BY_KIND
from .k8s.workloads import is_kubernetes_object, missing_api_version
from .model.podview import CONTAINER_LISTS, WORKLOAD_KINDS, as_dict, as_list, pod_view
from .model.profile import Profile, default_profile, with_cluster_objects
from .rules import Rule, all_rules, rule_ids, scope_rules
from .record import Record
from .rules.context import DocContext, ObjectContext, pod_context
from .targeting import reads

KNOWN_RULE_IDS = frozenset(rule_ids())  # every rule, also those a caller left out of its Engine
_CLUSTER_OBJECT = re.compile(r"""["']?kind["']?\s*:\s*["']?(Node|RuntimeClass)["']?\s*[,}\r\n]""")


class Options(Record):
    __slots__ = ("profile", "kube_version", "rule_filter", "images", "locate")

    def __init__(self, profile: Profile | None = None, kube_version: tuple[int, int] | None = None,
                 rule_filter: Callable[[Finding], Finding | None] | None = None, images: dict | None = None, locate: bool = True):
        self.profile = default_profile() if profile is None else profile
        self.kube_version = kube_version  # None: the profile's
        self.rule_filter = rule_filter  # config: off / severity overrides
        self.images = {} if images is None else images  # image ref -> resolved platforms (--resolve-images)
        self.locate = locate  # resolve file:line:column (off for the webhook, which has no files)


def expand(doc: Document) -> Iterable[tuple[Document, Path]]:
    """A document's objects: itself, or the items of a List kind (kubectl get -o yaml)."""
    obj = doc.obj
    if isinstance(obj, dict) and isinstance(obj.get("kind"), str) and obj["kind"].endswith("List") and isinstance(obj.get("items"), list):
        return _items(doc, obj["items"])
    return ((doc, ()),)  # the common case: no generator per document


def _items(doc: Document, items: list) -> Iterator[tuple[Document, Path]]:
    for i, item in enumerate(items):
        sub = Document(doc.file, doc.index, item, (lambda p, i=i, f=doc.locate: f(("items", i) + tuple(p))), doc.line_text,
                       doc.start_line, doc.aliased)
        yield sub, ("items", i)


# Shapes the API server's decoder insists on for the fields rules read: a wrong type is an
# input error (the object cannot be decoded), reported with its location instead of a finding.
_POD_SHAPES = {"securityContext": dict, "os": dict, "nodeSelector": dict, "affinity": dict, "tolerations": list,
               "initContainers": list, "containers": list, "ephemeralContainers": list, "volumes": list, "resources": dict}
_CONTAINER_SHAPES = {"securityContext": dict, "resources": dict, "lifecycle": dict, "volumeMounts": list}


def shape_errors(view) -> list[tuple[Path, str]]:
    out = []
    if not isinstance(view.obj.get("spec", {}), dict) and view.kind != "PodTemplate":
        return [(("spec",), "spec: expected an object")]
    for key, typ in _POD_SHAPES.items():
        v = view.spec.get(key)
        if v is not None and not isinstance(v, typ):
            out.append((view.path(key), f"{render(view.path(key))}: expected {'an object' if typ is dict else 'a list'}, got {type(v).__name__}"))
    for list_name in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(as_list(view.spec.get(list_name))):
            p = view.path(list_name, i)
            if not isinstance(c, dict):
                out.append((p, f"{render(p)}: expected a container object, got {type(c).__name__}"))
                continue
            for key, typ in _CONTAINER_SHAPES.items():
                v = c.get(key)
                if v is not None and not isinstance(v, typ):
                    out.append((p + (key,), f"{render(p + (key,))}: expected {'an object' if typ is dict else 'a list'}, got {type(v).__name__}"))
            wo = as_dict(c.get("securityContext")).get("windowsOptions")
            if wo is not None and not isinstance(wo, dict):
                out.append((p + ("securityContext", "windowsOptions"), f"{render(p + ('securityContext', 'windowsOptions'))}: expected an object"))
    wo = view.security_context.get("windowsOptions")
    if wo is not None and not isinstance(wo, dict):
        out.append((view.path("securityContext", "windowsOptions"), f"{render(view.path('securityContext', 'windowsOptions'))}: expected an object"))
    return out


def shapes_clean(octx: ObjectContext, view) -> bool:
    """shape_errors(view) is empty, known without walking: the structural replay decoded the object
    cleanly against the release's schema, which types every field shape_errors looks at, and only
    what decoding lets through is left to look at (a null spec, a null container entry)."""
    s = octx.replayed()
    if s is None or s.decoded is None or not s.decoded.ok:
        return False
    if view.kind != "PodTemplate" and not isinstance(view.obj.get("spec", {}), dict):
        return False
    spec = view.spec
    for name in CONTAINER_LISTS:
        for c in spec.get(name) or ():
            if c is None:
                return False
    return True


def _decode_error(octx: ObjectContext):
    """The first value the API server cannot decode (decode.TypeError_ or FatalError), as the structure
    rules found it; None when it decodes or the replay has not run (nothing is run here)."""
    s = octx.replayed()
    decoded = s.decoded if s is not None else None
    return None if decoded is None else decoded.type_error or decoded.fatal


def _undecodable(octx: ObjectContext) -> bool:
    """The structure rules found the value(s) the API server cannot decode."""
    return _decode_error(octx) is not None


def _targeting_undecodable(octx: ObjectContext, view) -> bool:
    """The API server cannot decode a value the pod's targeting reads (targeting.reads)."""
    error = _decode_error(octx)
    return error is not None and reads(view, tuple(error.path))


def _suppressed(obj: dict, view) -> set[str]:
    ids: set[str] = set()
    for _, value in _ignore_annotations(obj, view):
        ids.update(x.strip() for x in value.split(",") if x.strip())
    return ids


def _ignore_annotations(obj: dict, view) -> Iterator[tuple[Path, str]]:
    """(path, value) of the winkube.io/ignore annotations: the object's and its pod template's."""
    metas = [(("metadata",), as_dict(obj.get("metadata")))]
    if view is not None and view.kind != "Pod":
        metas.append((view.prefix[:-1] + ("metadata",), view.pod_meta))
    for path, meta in metas:
        value = as_dict(meta.get("annotations")).get(IGNORE_ANNOTATION)
        if isinstance(value, str):
            yield path + ("annotations", IGNORE_ANNOTATION), value


def unknown_ignored_rules(obj: dict, view, known) -> Iterator[tuple[Path, str]]:
    """(annotation path, message) for each id in a winkube.io/ignore annotation that is no rule:
    a typo there would otherwise silently suppress nothing."""
    from .config import unknown_rule_message

    for path, value in _ignore_annotations(obj, view):
        for rule_id in (x.strip() for x in value.split(",")):
            if rule_id and rule_id not in known:
                yield path, f"{IGNORE_ANNOTATION}: {unknown_rule_message(rule_id, known)}"


def has_ignore_annotation(obj: dict, view) -> bool:
    """The object or its pod template carries winkube.io/ignore (a membership test: asked of every object)."""
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        own = meta.get("annotations")
        if isinstance(own, dict) and IGNORE_ANNOTATION in own:
            return True
    if view is None or view.kind == "Pod":
        return False
    tmpl = view.pod_meta.get("annotations")
    return isinstance(tmpl, dict) and IGNORE_ANNOTATION in tmpl


_GENERATIONS = itertools.count(1)


class Engine:
    """One profile, one rule set, one configuration. `generation` is unique per engine: caches of
    its answers key on it, so answers for another profile are never served."""

    def __init__(self, options: Options | None = None, rules: dict[str, Rule] | None = None):
        self.generation = next(_GENERATIONS)
        self.options = options or Options()
        self._rules = rules  # None: every rule, each scope's modules imported when an object first needs them
        self._by_scope: dict[str, list[Rule]] = {}
        self._by_targeting: dict[tuple, tuple] = {}  # (id(Targeting), release) -> (it, {check: hits, ...}): Engine._run
        # id(a scope's rule list) -> (it, its distinct preconditions with a bit each, {answers: the rules to run}, ...): Engine._run
        self._gates: dict[int, tuple] = {}
        self.known_ids = KNOWN_RULE_IDS | set(rules or ())  # what winkube.io/ignore may name
        if rules is not None:
            for r in rules.values():
                self._by_scope.setdefault(r.scope, []).append(r)

    @property
    def rules(self) -> dict[str, Rule]:
        """Every rule this engine runs, by id (imports them all: SARIF describes every rule)."""
        if self._rules is None:
            self._rules = all_rules()
        return self._rules

    def scope_rules(self, scope: str) -> list[Rule]:
        """The rules this engine runs on objects of one scope ("object", "pod", "node", ...)."""
        got = self._by_scope.get(scope)
        if got is None:
            got = self._by_scope[scope] = scope_rules(scope) if self._rules is None else \
                [r for r in self._rules.values() if r.scope == scope]  # (all of them, once `rules` was read)
        return got

    @property
    def kube_version(self) -> tuple[int, int]:
        return self.options.kube_version or self.options.profile.kube_version

    # -- whole runs -------------------------------------------------------------------------
    def lint_sources(self, sources: list[Source], errors: list[InputError] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> Result:
        """progress(done, total) is called after each file (the CLI draws a bar on a terminal)."""
        result = Result(errors=errors if errors is not None else [])
        self.profile_from_input(sources)
        for src in sources:
            if progress is not None:
                progress(result.files, len(sources))
            result.files += 1
            errors, documents, kubernetes = len(result.errors), result.documents, False
            for doc in read_text(src.name, src.text, result.errors, json_file=src.json):
                result.documents += 1
                kubernetes = self.lint_document(doc, result) or kubernetes  # an empty List counts
            if not kubernetes and len(result.errors) == errors:
                result.skipped.append((src.name, "no Kubernetes objects (apiVersion and kind)"
                                       if result.documents > documents else "empty"))
        if progress is not None:
            progress(result.files, len(sources))
        return result

    def profile_from_input(self, sources: list[Source]) -> None:
        """The profile the input describes: its Node and RuntimeClass objects replace / join the options' profile."""
        nodes, rcs = [], []
        for src in sources:
            text = src.text
            # a substring test in C first: the regex only runs on the few files that can match
            if ("Node" not in text and "RuntimeClass" not in text) or not _CLUSTER_OBJECT.search(text):
                continue
            for doc in read_text(src.name, src.text, [], json_file=src.json):
                for sub, _ in expand(doc):
                    obj = sub.obj
                    if isinstance(obj, dict) and obj.get("kind") == "Node":
                        nodes.append(obj)
                    elif isinstance(obj, dict) and obj.get("kind") == "RuntimeClass":
                        rcs.append(obj)
        self.options.profile = with_cluster_objects(self.options.profile, nodes, rcs)

    # -- one document -----------------------------------------------------------------------
    def lint_document(self, doc: Document, result: Result) -> bool:
        """Lints one document into `result`; False when it is no Kubernetes object (skipped)."""
        obj = doc.obj
        if not is_kubernetes_object(obj):
            broken = missing_api_version(obj)
            if broken:
                result.errors.append(InputError(doc.file, broken, doc.locate(())[0] if self.options.locate else None))
            return False  # YAML that is something else (a workflow, a values file): skipped, as the peers do
        if not doc.aliased and not obj["kind"].endswith("List"):
            # the common case, one object without aliases (a mapping with a kind: is_kubernetes_object):
            # nothing for the per-location bookkeeping below to do
            result.objects += 1
            result.findings += self.evaluate(obj, doc, result.errors).findings
            return True
        # Findings are per source location, not per expansion: an object reached again through a
        # YAML alias is the same text (checked once), and a finding inside an aliased part of
        # different objects is reported once at its line (a 585 KB file of aliases printed 414 MB).
        checked: set[int] = set()
        reported: set[tuple] = set()
        for sub, _ in expand(doc):
            obj = sub.obj
            if id(obj) in checked:
                continue
            checked.add(id(obj))
            if not isinstance(obj, dict):
                line = sub.locate(())[0] if self.options.locate else None
                result.errors.append(InputError(sub.file, f"not a Kubernetes object (a {type(obj).__name__}, not a mapping)", line))
                continue
            if not isinstance(obj.get("kind"), str) or not obj.get("kind"):
                line = sub.locate(())[0] if self.options.locate else None
                result.errors.append(InputError(sub.file, "not a Kubernetes object: no kind", line))
                continue
            result.objects += 1
            for f in self.evaluate(obj, sub, result.errors).findings:
                if doc.aliased and f.line is not None:
                    at = (f.rule, f.line, f.column, f.message)
                    if at in reported:
                        continue
                    reported.add(at)
                result.findings.append(f)
        return True

    def check_object(self, obj: dict, doc: Document | None = None, errors: list[InputError] | None = None,
                     images: dict | None = None) -> list[Finding]:
        """Findings on one object (evaluate(...).findings)."""
        return self.evaluate(obj, doc, errors, images).findings

    def evaluate(self, obj: dict, doc: Document | None = None, errors: list[InputError] | None = None,
                 images: dict | None = None) -> Answer:
        """The one answer about one object: its findings, whether the API server rejects it, and for
        a workload the rule context whose targeting says where its pods land. `images`: resolved
        image platforms for this call (default: the options')."""
        kind = obj["kind"]
        answer = Answer(obj)
        options = self.options
        kube_version = options.kube_version or options.profile.kube_version
        view = pod_view(obj) if kind in WORKLOAD_KINDS else None
        ignored = has_ignore_annotation(obj, view)
        if errors is not None and ignored:
            for path, message in unknown_ignored_rules(obj, view, self.known_ids):
                line = doc.locate(path)[0] if doc and options.locate else None
                errors.append(InputError(doc.file if doc else "<object>", message, line))
        octx = ObjectContext(obj, kube_version)
        by_scope = self._by_scope
        rules = by_scope.get("object")
        raw = self._run(self.scope_rules("object") if rules is None else rules, octx, doc, errors)
        # (an apiVersion the release no longer serves still gets the pod rules: the spec moves
        # unchanged to the served version)
        if view is not None:
            problems = [] if shapes_clean(octx, view) else shape_errors(view)
            if problems and _undecodable(octx):
                answer.shape_errors = problems  # the structure rules report what the API server says about these values
            elif problems:
                answer.shape_errors = problems
                for path, message in problems:
                    line = doc.locate(path)[0] if doc and options.locate else None
                    if errors is not None:
                        errors.append(InputError(doc.file if doc else "<object>", message, line))
            else:
                ctx = pod_context(view, options.profile, kube_version, options.images if images is None else images)
                rules = by_scope.get("pod")
                found = self._run(self.scope_rules("pod") if rules is None else rules, ctx, doc, errors)
                if found:
                    raw += found
                answer.context = ctx
        elif kind in _SCOPE_BY_KIND:
            ctx = DocContext(obj, options.profile, kube_version)
            raw += self._run(self.scope_rules(_SCOPE_BY_KIND[kind]), ctx, doc, errors)
        if not raw:
            return answer
        # The API server rejects what an admission rule finds, whatever config or annotations do
        # to the finding: such a pod lands nowhere.
        answer.rejected = [f"{rule.id} {render(hit.path)}: {hit.message}" for rule, hit in raw
                           if rule.stage is Stage.ADMISSION and (hit.severity or rule.severity) is Severity.ERROR]
        skip = _suppressed(obj, view) if ignored else ()
        if answer.context is not None and _targeting_undecodable(octx, view):
            # the scheduler never receives this pod, and the value its targeting read is one the API
            # server cannot decode: what the scheduler would do with it is a guess, not a finding
            skip = {*skip, *(rule.id for rule, _ in raw if rule.stage is Stage.SCHEDULING)}
        ref = doc.ref if doc else answer.ref  # only objects with findings need it
        rule_filter, locate = options.rule_filter, doc is not None and options.locate
        out = []
        for rule, hit in raw:
            if rule.id in skip:
                continue
            f = Finding(rule.id, rule.stage, hit.severity or rule.severity, tuple(hit.path), hit.message,
                        hit.fix or rule.fix, hit.error_type, ref)
            if rule_filter is not None:
                f = rule_filter(f)
                if f is None:
                    continue
            if doc is not None:
                f.file = doc.file
                if locate:
                    f.line, f.column = doc.locate(f.path)
                    f.source_line = doc.line_text(f.line)
            out.append(f)
        answer.findings = out
        return answer

    def _run(self, rules: list[Rule], ctx, doc, errors) -> list:
        """The hits of the rules (in their order) whose precondition (Rule.applies) holds for ctx.

        The plan: the few distinct preconditions are asked once each, those marked per_targeting
        (rules.base) once per Targeting and release; the rules each set of answers selects is worked
        out once per engine, so an object does not step through the rules that cannot apply to it
        (most rules are for Windows-bound pods, most pods are not). One method, not two: it runs for
        every object, and a call and a returned tuple cost more than most objects' plans."""
        gates = self._gates.get(id(rules))
        if gates is None or gates[0] is not rules:
            distinct = tuple(dict.fromkeys(r.applies for r in rules if r.applies is not None))
            bits = [(applies, 1 << i) for i, applies in enumerate(distinct)]
            # (rules, per-object preconditions with their bits, {answers: plan}, {id(rule): its place},
            #  per-targeting preconditions with their bits)
            gates = self._gates[id(rules)] = (rules, tuple(g for g in bits if not getattr(g[0], "per_targeting", False)), {},
                                              {id(r): i for i, r in enumerate(rules)},
                                              tuple(g for g in bits if getattr(g[0], "per_targeting", False)))
        answers = 0  # a bit per precondition that holds
        for applies, bit in gates[1]:
            try:
                if applies(ctx):
                    answers |= bit
            except Exception:  # the rule runs, and reports its own error if it has one
                answers |= bit
        shared = None  # the per-targeting rules' hits and preconditions' answers kept with ctx's Targeting
        by_targeting = gates[4]
        if by_targeting:
            try:
                shared = self._shared_hits(ctx.targeting, ctx.kube_version)
            except Exception:  # (a bug in resolving: asked one by one below, and each rule reports its error)
                shared = None
            kept = shared.get(id(by_targeting)) if shared is not None else None
            if kept is not None and kept[0] is by_targeting:  # (kept with the tuple, so its id stays its own)
                answers |= kept[1]
            else:
                held = 0
                for applies, bit in by_targeting:
                    try:
                        if applies(ctx):
                            held |= bit
                    except Exception:  # as above (the same answer for every pod of the Targeting)
                        held |= bit
                if shared is not None:
                    shared[id(by_targeting)] = (by_targeting, held)
                answers |= held
        plans = gates[2]
        plan = plans.get(answers)
        if plan is None:
            held_gates = {a for a, bit in gates[1] + by_targeting if answers & bit}
            chosen = [r for r in rules if r.applies is None or r.applies in held_gates]
            # (the rules run per object, the per-targeting ones, the rules' places) or () for none
            plan = plans[answers] = (tuple(r for r in chosen if not r.per_targeting), tuple(r for r in chosen if r.per_targeting),
                                     gates[3]) if chosen else ()
        if not plan:
            return []  # (most objects: every object-scope rule waits for a structural finding)
        own, per_targeting, order = plan
        raw: list = []
        append = raw.append
        for rule in own:
            try:
                for hit in rule.check(ctx):
                    append((rule, hit))
            except Exception as e:  # errors are values: a broken rule must not lose the run
                self._rule_error(rule, e, doc, errors)
        if not per_targeting:
            return raw
        # The per-targeting rules' hits are kept with ctx's Targeting (every pod that shares it gets
        # them): per rule, and for this plan's rules all together, so a pod that shares a Targeting
        # looks them up once instead of once per rule.
        if shared is None:
            shared = self._shared_hits(ctx.targeting, ctx.kube_version)
        kept = shared.get(id(per_targeting))
        if kept is not None and kept[0] is per_targeting:  # (kept with the tuple, so its id stays its own)
            found = kept[1]
        else:
            found, complete = [], True
            for rule in per_targeting:
                hits = shared.get(rule.check)
                if hits is None:
                    hits = []
                    try:
                        for hit in rule.check(ctx):
                            hits.append(hit)
                        shared[rule.check] = hits
                    except Exception as e:  # not kept: each object reports the error
                        self._rule_error(rule, e, doc, errors)
                        complete = False
                for hit in hits:
                    found.append((rule, hit))
            if complete:
                shared[id(per_targeting)] = (per_targeting, found)
        if not found:
            return raw
        if not raw:
            return found.copy()  # (the kept list is never handed out)
        raw += found
        raw.sort(key=lambda hit: order[id(hit[0])])  # back into rule order (stable: a rule's hits keep theirs)
        return raw

    def _rule_error(self, rule: Rule, e: Exception, doc, errors) -> None:
        if errors is not None:
            errors.append(InputError(doc.file if doc else "<object>",
                                     f"internal error in rule {rule.id}: {type(e).__name__}: {e} (please report)",
                                     doc.locate(())[0] if doc and self.options.locate else None))

    def _shared_hits(self, targeting, kube_version) -> dict:
        """The per-targeting rules' hits ({check: hits}) for pods with this Targeting (targeting.resolve
        hands the same object to pods with equal memo keys) and release. The Targeting is kept with
        them, so its id stays its own."""
        key = (id(targeting), kube_version)
        got = self._by_targeting.get(key)
        if got is None or got[0] is not targeting:
            if len(self._by_targeting) >= _SHARED_MAX:
                self._by_targeting.clear()
            got = self._by_targeting[key] = (targeting, {})
        return got[1]


_SHARED_MAX = 4096


def severity_at_least(f: Finding, threshold: str) -> bool:
    if threshold == "none":
        return False
    return f.severity.rank >= Severity(threshold).rank
