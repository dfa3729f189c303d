"""Seeded generator of malformed workloads for the structural differential (test_structure_differential.py).

A valid base (podgen.pod_spec(valid_base=True), wrapped in every workload kind in turn, plus valid
extras: resources, ports, probes, env, volumes, tolerations, a rolling update) receives 1-3 of:
  type        a value of the wrong JSON type at a field that is set or could be (every JSON kind,
              fractions and out-of-range numbers for integers)
  unknown     a field the type does not have: a known name in the wrong case, a plural/singular slip,
              a field of another type, a made-up name
  quantity    a malformed or well-formed quantity in a container's resources
  intstr      a probe port or a rolling-update bound that is not an int32 or a string
  removed     an apiVersion the release no longer serves for the kind
  nodelabel   a deprecated node label in nodeSelector, node affinity or a topology spread constraint
  null        an explicit null for a field that is set
  required    a field the server's validation requires, removed or emptied: a container's name or
              image, a port's containerPort, an env name, the containers, a workload's selector (or
              an empty one, or template labels it no longer matches), a CronJob's schedule, a
              ReplicationController's template, a Job's restartPolicy, "" for a template's
              preemptionPolicy
  enum        an enum field set to a value in or out of its enum (case slips, typos, "", a value
              of the enum the workload kind refuses): restartPolicy, dnsPolicy, preemptionPolicy,
              imagePullPolicy, terminationMessagePolicy, a port's protocol, a toleration's operator
              and effect, a CronJob's concurrencyPolicy, a Deployment's or DaemonSet's strategy type
Required/enum mutations stay clear of the 422s winkube does not replay (dnsPolicy None without
dnsConfig, a toleration value with operator Exists, tolerationSeconds without NoExecute, a Recreate
strategy with rollingUpdate, preemptionPolicy on a Pod, which the Priority admission plugin refuses
with 403); the differential counts and prints any other 422 cause it meets.
The mutation sites are drawn from winkube's schema, but the verdict is the server's: a wrong schema
shows up as a disagreement. Each case has its own random.Random(f"{seed}:struct:{index}").
"""
from __future__ import annotations

import copy
import random

from winkube.structure.schema import schema_for

from . import podgen

SCHEMA = schema_for((1, 37))
SKIP_TOP = {"apiVersion", "kind"}
REMOVED = {
    "Deployment": ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"],
    "DaemonSet": ["extensions/v1beta1", "apps/v1beta2"],
    "ReplicaSet": ["extensions/v1beta1", "apps/v1beta2"],
    "StatefulSet": ["apps/v1beta1", "apps/v1beta2"],
    "CronJob": ["batch/v1beta1", "batch/v2alpha1"],
}
PLURAL = {"Deployment": "deployments", "DaemonSet": "daemonsets", "ReplicaSet": "replicasets",
          "StatefulSet": "statefulsets", "CronJob": "cronjobs"}
BAD_QUANTITIES = ["1 Gi", "1Gb", "abc", "", "1.5.5", "--1", "1e", "Mi", "0x10", "1GiB", "1gi", "2 ", True, [1], {"a": 1}]
GOOD_CPU = ["2", "500m", "1.5", 2, "1e3m", " 250m", "0.25"]
GOOD_MEMORY = ["2Gi", "128Mi", 1073741824, "1e9", "512M", "800m", "1.5", "0.5Ki", "100u", "1e-3", "2.5e2", "0.1Ki", 1.5]
BAD_INTSTR = [True, 1.5, [80], {"port": 80}, 2**31, -(2**31) - 1]
DEPRECATED_LABELS = {
    "beta.kubernetes.io/os": ["windows", "linux"],
    "beta.kubernetes.io/arch": ["amd64"],
    "failure-domain.beta.kubernetes.io/zone": ["zone-a"],
    "failure-domain.beta.kubernetes.io/region": ["west"],
    "beta.kubernetes.io/instance-type": ["Standard_D2s_v3"],
    "node-role.kubernetes.io/master": [""],
}
OK_LABELS = {"kubernetes.io/os": ["windows"], "node.kubernetes.io/windows-build": ["10.0.20348"]}
BAD_LABEL_VALUES = ["win dows", "-windows", "x" * 64, "a/b"]


def _wrong_value(rng: random.Random, node: tuple):
    kind, arg = node
    if kind in ("struct", "map"):
        return rng.choice(["x", 5, ["a"], True, 1.5])
    if kind == "list":
        return rng.choice(["x", 5, {"a": "b"}, True])
    if arg == "string":
        return rng.choice([5, 1.5, True, ["x"], {"a": "b"}])
    if arg in ("int32", "int64"):
        big = 2**31 if arg == "int32" else 2**63
        return rng.choice(["5", 1.5, True, [1], {"a": 1}, big, -big - 1])
    if arg == "bool":
        return rng.choice(["true", 1, [True], {}])
    if arg == "number":
        return rng.choice(["1", True])
    return None


def _sites(value, node, path, out_values, out_structs):
    """(path, node) of every decodable value present, and (path, struct) of every object."""
    if value is None:
        return
    kind, arg = node
    if kind == "struct" and isinstance(value, dict):
        out_structs.append((path, arg))
        for k, v in value.items():
            if not path and k in SKIP_TOP:
                continue
            sub = arg.props.get(k)
            if sub is not None:
                out_values.append((path + (k,), sub))
                _sites(v, sub, path + (k,), out_values, out_structs)
    elif kind == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            out_values.append((path + (i,), arg))
            _sites(v, arg, path + (i,), out_values, out_structs)
    elif kind == "map" and isinstance(value, dict):
        for k, v in value.items():
            out_values.append((path + (k,), arg))
            _sites(v, arg, path + (k,), out_values, out_structs)


def _get(obj, path):
    for seg in path:
        obj = obj[seg]
    return obj


def _set(obj, path, value):
    _get(obj, path[:-1])[path[-1]] = value


podgen_spec = podgen.pod_spec_of


def _enrich(rng: random.Random, obj: dict) -> None:
    """Valid extras, so that more kinds of field are there to break."""
    spec = podgen_spec(obj)
    c = spec["containers"][0]
    if rng.random() < 0.6:
        c["resources"] = {"limits": {"cpu": "1", "memory": "256Mi"}, "requests": {"cpu": "500m", "memory": "128Mi"}}
    if rng.random() < 0.5:
        c["ports"] = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    if rng.random() < 0.5:
        c["readinessProbe"] = {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 10, "timeoutSeconds": 2}
    if rng.random() < 0.4:
        c["env"] = [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    if rng.random() < 0.4:
        spec["volumes"] = [{"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}]
        c["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    if rng.random() < 0.5:
        spec["tolerations"] = [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]
    if rng.random() < 0.3:
        spec["terminationGracePeriodSeconds"] = 30
    if obj["kind"] == "Deployment" and rng.random() < 0.5:
        obj["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}
    if obj["kind"] in ("Deployment", "StatefulSet", "ReplicaSet") and rng.random() < 0.5:
        obj["spec"]["replicas"] = rng.choice([1, 2, 3])


def _root(obj):
    return ("struct", SCHEMA.kind(podgen.API[obj["kind"]][0], obj["kind"]))


def m_type(rng, obj) -> str:
    values, structs = [], []
    _sites(obj, _root(obj), (), values, structs)
    candidates = [(p, n) for p, n in values if _wrong_value(rng, n) is not None]
    if rng.random() < 0.3 and structs:  # a field that is not set yet
        path, st = rng.choice(structs)
        absent = [(k, n) for k, n in st.props.items() if k not in _get(obj, path) and (path or k not in SKIP_TOP)]
        absent = [(k, n) for k, n in absent if _wrong_value(rng, n) is not None]
        if absent:
            k, n = rng.choice(absent)
            _get(obj, path)[k] = _wrong_value(rng, n)
            return "type"
    if not candidates:
        return "none"
    path, node = rng.choice(candidates)
    _set(obj, path, _wrong_value(rng, node))
    return "type"


def m_unknown(rng, obj) -> str:
    values, structs = [], []
    _sites(obj, _root(obj), (), values, structs)
    path, st = rng.choice(structs)
    target = _get(obj, path)
    props = list(st.props)
    for _ in range(10):
        how = rng.random()
        if how < 0.4 and props:
            name = rng.choice(props)
            name = name[:1].upper() + name[1:] if name[:1].islower() else name.lower()
        elif how < 0.6 and props:
            name = rng.choice(props)
            name = name[:-1] if name.endswith("s") else name + "s"
        elif how < 0.8:
            other = rng.choice(structs)[1]
            name = rng.choice(list(other.props) or ["x"])
        else:
            name = rng.choice(["foo", "windowsOptionz", "nodeselector", "Effect", "imagePullpolicy", "x-extra"])
        # (top-level case variants of apiVersion/kind: the server's version/kind sniffing is case-insensitive)
        if name not in st.props and name not in target and (path or name.lower() not in ("apiversion", "kind")):
            target[name] = rng.choice(["x", 1, True, {"a": "b"}, ["y"], None])
            return "unknown"
    return "none"


def m_quantity(rng, obj) -> str:
    c = rng.choice(podgen_spec(obj)["containers"])
    res = c.setdefault("resources", {})
    name = rng.choice(["cpu", "memory", "memory", "ephemeral-storage"])
    if rng.random() < 0.7:
        value = rng.choice(BAD_QUANTITIES)
    else:
        value = rng.choice(GOOD_CPU if name == "cpu" else GOOD_MEMORY)
    # the same value as request and limit, so a well-formed one never breaks requests <= limits
    for part in ("limits", "requests"):
        if isinstance(res.get(part), dict) or part == "limits":
            res.setdefault(part, {})
            if isinstance(res[part], dict):
                res[part][name] = value
    return "quantity"


def m_intstr(rng, obj) -> str:
    if obj["kind"] == "Deployment" and rng.random() < 0.4:
        ru = obj["spec"].setdefault("strategy", {"type": "RollingUpdate"}).setdefault("rollingUpdate", {})
        ru[rng.choice(["maxSurge", "maxUnavailable"])] = rng.choice(BAD_INTSTR)
    else:
        c = rng.choice(podgen_spec(obj)["containers"])
        c["livenessProbe"] = {"tcpSocket": {"port": rng.choice(BAD_INTSTR)}}
    return "intstr"


def m_removed(rng, obj) -> str:
    if obj["kind"] not in REMOVED:
        return "none"
    obj["apiVersion"] = rng.choice(REMOVED[obj["kind"]])
    return "removed"


def m_nodelabel(rng, obj) -> str:
    spec = podgen_spec(obj)
    key = rng.choice(list(DEPRECATED_LABELS) + list(OK_LABELS))
    values = DEPRECATED_LABELS.get(key) or OK_LABELS[key]
    where = rng.random()
    if where < 0.4:
        spec.setdefault("nodeSelector", {})[key] = rng.choice(values)
    elif where < 0.65:
        na = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
        terms = na.setdefault("requiredDuringSchedulingIgnoredDuringExecution", {"nodeSelectorTerms": []})["nodeSelectorTerms"]
        terms.append({"matchExpressions": [{"key": key, "operator": "In", "values": [rng.choice(values)]}]})
    elif where < 0.85:
        na = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
        value = rng.choice(values + BAD_LABEL_VALUES)
        na.setdefault("preferredDuringSchedulingIgnoredDuringExecution", []).append(
            {"weight": rng.randint(1, 100), "preference": {"matchExpressions": [{"key": key, "operator": "In", "values": [value]}]}})
    else:
        tsc = {"maxSkew": 1, "topologyKey": rng.choice(["failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone"]),
               "whenUnsatisfiable": "ScheduleAnyway"}
        if rng.random() < 0.6:
            tsc["labelSelector"] = {"matchLabels": {"app": "x"}}
        spec.setdefault("topologySpreadConstraints", []).append(tsc)
    return "nodelabel"


def m_null(rng, obj) -> str:
    values, structs = [], []
    _sites(obj, _root(obj), (), values, structs)
    # not the pod spec's lists and names the API requires (a 422 tells nothing about decoding)
    optional = [p for p, _ in values if isinstance(p[-1], str) and p[-1] not in ("containers", "name", "image", "selector",
                                                                                 "template", "spec", "metadata", "jobTemplate",
                                                                                 "schedule", "labels", "matchLabels")]
    if not optional:
        return "none"
    _set(obj, rng.choice(optional), None)
    return "null"


def _containers(rng, spec) -> list:
    lists = [spec[k] for k in ("containers", "initContainers") if isinstance(spec.get(k), list) and spec[k]]
    return rng.choice(lists) if lists else []


def _blank(rng, holder: dict, key: str, zero="") -> None:
    """Remove the field, or set its zero value (or null)."""
    how = rng.random()
    if how < 0.45:
        holder.pop(key, None)
    elif how < 0.85:
        holder[key] = zero
    else:
        holder[key] = None


def _workload_spec(obj):
    return obj.get("spec") if obj["kind"] not in ("Pod", "PodTemplate") else None


def _template(obj):
    kind = obj["kind"]
    if kind == "PodTemplate":
        return obj["template"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]
    return obj["spec"].get("template") if kind != "Pod" else None


def m_required(rng, obj) -> str:
    kind, spec = obj["kind"], podgen_spec(obj)
    options = ["container", "container", "port", "env", "containers"]
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"):
        options += ["selector", "selector", "labels", "labels"]
    if kind == "ReplicationController":
        options.append("template")
    if kind == "CronJob":
        options.append("schedule")
    if kind in ("Job", "CronJob"):
        options.append("jobrestart")
    if kind != "Pod":
        options.append("preemption")
    what = rng.choice(options)
    if what == "container":
        cs = _containers(rng, spec)
        if not cs:
            return "none"
        c = rng.choice(cs)
        key = rng.choice(["name", "image"])
        if key == "name" and sum(1 for x in cs if isinstance(x, dict) and not x.get("name")):
            return "none"  # a second nameless container is a Duplicate, not a Required
        _blank(rng, c, key)
    elif what == "port":
        cs = _containers(rng, spec)
        if not cs:
            return "none"
        c = rng.choice(cs)
        ports = c.setdefault("ports", [{"containerPort": 8080}]) or [{"containerPort": 8080}]
        c["ports"] = ports
        _blank(rng, rng.choice(ports), "containerPort", 0)
    elif what == "env":
        cs = _containers(rng, spec)
        if not cs:
            return "none"
        c = rng.choice(cs)
        env = c.get("env") or []
        env.append({"name": "X", "value": "1"})
        c["env"] = env
        _blank(rng, rng.choice(env), "name")
    elif what == "containers":
        _blank(rng, spec, "containers", [])
    elif what == "selector":
        wspec = _workload_spec(obj)
        how = rng.random()
        if how < 0.6:
            wspec.pop("selector", None)
        elif kind == "ReplicationController":
            wspec["selector"] = rng.choice([{}, None, {"app": "other"}])
        else:
            wspec["selector"] = rng.choice([{}, {"matchLabels": {}}, {"matchLabels": {"app": "other"}},
                                            {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
                                            {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]},
                                            {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["x"]}]}])
    elif what == "labels":
        meta = _template(obj).setdefault("metadata", {})
        how = rng.random()
        if how < 0.4:
            meta.pop("labels", None)
        elif how < 0.7:
            meta["labels"] = {"app": "renamed"}
        else:
            meta["labels"] = {**(meta.get("labels") or {}), "tier": "web"}  # a superset still matches
    elif what == "template":
        obj["spec"].pop("template", None)
    elif what == "schedule":
        _blank(rng, obj["spec"], "schedule")
    elif what == "jobrestart":
        _blank(rng, spec, "restartPolicy")
    else:  # a *string set to "": Required
        spec["preemptionPolicy"] = ""
    return "required"


# enum values to try: the valid ones and near misses (no dnsPolicy None: it needs a dnsConfig)
ENUM_VALUES = {
    "restartPolicy": ["Always", "OnFailure", "Never", "always", "Sometimes", "", "ALWAYS"],
    "dnsPolicy": ["ClusterFirst", "Default", "ClusterFirstWithHostNet", "clusterfirst", "Cluster", ""],
    "preemptionPolicy": ["PreemptLowerPriority", "Never", "never", "Preempt", ""],
    "imagePullPolicy": ["Always", "IfNotPresent", "Never", "always", "Sometimes", "IfNotPresnt", "", "ifnotpresent"],
    "terminationMessagePolicy": ["File", "FallbackToLogsOnError", "file", "Logs", ""],
    "protocol": ["TCP", "UDP", "SCTP", "tcp", "HTTP", ""],
    "operator": ["Equal", "equal", "In", "Lt", "Gt", "", "exists", "NotEqual"],
    "effect": ["NoSchedule", "PreferNoSchedule", "NoExecute", "noschedule", "NoScheduleNoAdmit", "", "Never"],
    "concurrencyPolicy": ["Allow", "Forbid", "Replace", "forbid", "Skip", ""],
    "strategy": ["RollingUpdate", "Recreate", "rolling", "Rolling", "", "Blue"],
    "updateStrategy": ["RollingUpdate", "OnDelete", "onDelete", "Rolling", "", "Never"],
}


def m_enum(rng, obj) -> str:
    kind, spec = obj["kind"], podgen_spec(obj)
    options = ["restartPolicy", "dnsPolicy", "imagePullPolicy", "terminationMessagePolicy", "protocol", "operator", "effect"]
    if kind != "Pod":
        options.append("preemptionPolicy")
    if kind == "CronJob":
        options.append("concurrencyPolicy")
    if kind == "Deployment":
        options.append("strategy")
    if kind == "DaemonSet":
        options.append("updateStrategy")
    what = rng.choice(options)
    value = rng.choice(ENUM_VALUES[what])
    if what in ("restartPolicy", "dnsPolicy", "preemptionPolicy"):
        spec[what] = value
    elif what in ("imagePullPolicy", "terminationMessagePolicy", "protocol"):
        cs = _containers(rng, spec)
        if not cs:
            return "none"
        c = rng.choice(cs)
        if what == "protocol":
            ports = c.get("ports") or [{"containerPort": 8081}]
            c["ports"] = ports
            rng.choice(ports)["protocol"] = value
        else:
            c[what] = value
    elif what in ("operator", "effect"):
        tols = spec.get("tolerations") or [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]
        spec["tolerations"] = tols
        t = rng.choice(tols)
        t.pop("tolerationSeconds", None)
        if not t.get("key"):
            t["key"] = "os"
        t[what] = value
    elif what == "concurrencyPolicy":
        obj["spec"]["concurrencyPolicy"] = value
    else:
        strategy = obj["spec"].setdefault(what, {})
        strategy["type"] = value
        if value == "Recreate":
            strategy.pop("rollingUpdate", None)
    return "enum"


# two classes of case, alternating in blocks of one case per kind: the decoding mix (what the
# server answers 400/404 for, and its warnings) and the validation mix (required fields and enum
# values, answered 422), so each class has half of the cases of every kind
MUTATIONS = [(m_type, 30), (m_unknown, 25), (m_quantity, 10), (m_intstr, 8), (m_removed, 5), (m_nodelabel, 15), (m_null, 7)]
VALIDATION_MUTATIONS = [(m_required, 45), (m_enum, 45), (m_nodelabel, 5), (m_null, 5)]


def generate_case(seed: int, index: int) -> dict:
    """Case `index`: {"object", "kind", "class", "mutations"}; kinds cycle so every workload kind gets
    the same share, and the decoding and validation classes alternate in blocks of one case per kind."""
    rng = random.Random(f"{seed}:struct:{index}")
    n = len(podgen.WORKLOAD_KINDS)
    kind = podgen.WORKLOAD_KINDS[index % n]
    validation = (index // n) % 2 == 1
    mutations = VALIDATION_MUTATIONS if validation else MUTATIONS
    spec = podgen.pod_spec(rng, valid_base=True)
    obj = podgen.wrap(kind, f"s-{index}", spec)
    _enrich(rng, obj)
    chosen = [rng.choices([m for m, _ in mutations], weights=[w for _, w in mutations])[0]
              for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    # the ones that need an intact pod spec first; a type mutation may replace a whole subtree
    chosen.sort(key=lambda fn: fn in (m_type, m_unknown, m_null))
    done = []
    for fn in chosen:
        try:
            done.append(fn(rng, obj))
        except (TypeError, KeyError, IndexError, AttributeError):  # an earlier mutation broke the way there
            done.append("none")
    return {"object": obj, "kind": kind, "class": "validation" if validation else "decoding", "mutations": done}


def request_path(obj: dict, namespace: str) -> str:
    """The collection URL for obj's own apiVersion (a removed one gives the server's 404)."""
    kind, api_version = obj["kind"], obj["apiVersion"]
    plural = PLURAL.get(kind) or podgen.API[kind][2]
    prefix = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
    return f"{prefix}/namespaces/{namespace}/{plural}"


def clone(obj):
    return copy.deepcopy(obj)
