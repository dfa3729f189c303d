"""Commands: parse arguments, call the engine, choose a reporter — nothing else.

Also installed as `kubectl-winkube`, so `kubectl winkube lint …` works as a kubectl plugin.
"""
from __future__ import annotations

import gc
import os
import sys

# re, threading and importlib are imported where they are used: `winkube --version`, which hooks and
# scripts run often, then costs the interpreter's start and this module (tests/test_startup_imports.py)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_OWN_PROCESS = False  # set by entry(): main() runs in a process of its own, not inside a caller's (tests, a library)

EXPLAIN_EXAMPLES = """examples:
  winkube explain windows-options-on-linux               a rule: why, fix, source
  winkube explain "Failed to create pod sandbox: rpc error: code = Unknown desc = ... does not match the host operating system."
  winkube explain "exit code 3221225781"                  Windows codes are decoded (hex, decimal, int32)
  winkube explain --pod shop/web-7d9c8-x2x4q              the pod's statuses and Events, with its node as context
  winkube explain --pod shop/web-7d9c8-x2x4q "<message>"  one message, with that pod and node as context
  winkube explain --pod web-7d9c8-x2x4q -n shop            the same, namespace as kubectl takes it

exit codes: 0 explained, 2 nothing in the catalogue matched (the decoded codes and what to collect
next are still printed) or the cluster could not be read.
"""
_STACK = 256 * 1024 * 1024  # room for recursion in C extensions on deep input (the YAML reader itself no longer recurses)

LINT_EPILOG = """\
examples:
  winkube lint .                            a repository: Kubernetes objects in .yaml/.yml/.json (.gitignore
                                            honoured; other YAML skipped, -v lists it), Helm charts rendered
                                            with helm template, Kustomize directories built with kustomize
  winkube lint charts/web --set image.tag=ltsc2022 --values prod.yaml
  helm template my-chart | winkube lint --stdin-filename charts/my-chart/all.yaml -
  kubectl get nodes -o yaml > nodes.yaml
  winkube lint nodes.yaml app/              judge app/ against your real node pools
  winkube lint -o sarif k8s/ > winkube.sarif   for GitHub code scanning

stages: admission (the API server rejects it), scheduling, kubelet (the node refuses it),
runtime (the container fails), ignored (accepted, no effect on Windows), practice.
exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or input errors (also: no
Kubernetes object in the input; --allow-empty makes that 0).
suppress per object with the annotation  winkube.io/ignore: "rule-a,rule-b"
configure with .winkube.yaml (found upward from the working directory; see docs/configuration.md)
"""


def _color(choice: str, stream) -> bool:
    from .report import use_color
    return use_color(choice, stream)


# argparse is imported where a parser is built, after regexcache.seed(): importing it imports
# gettext, which compiles a pattern (and `winkube --version` needs neither)


def _add_profile_args(p) -> None:
    p.add_argument("--profile", metavar="FILE|PLATFORM", help="cluster profile (node pools, RuntimeClasses, Kubernetes version): "
                   "a file, or a platform: aks, eks, gke, openshift, rke2, capz, kubeadm (see `winkube profile list`); "
                   "default: the embedded one (see `winkube profile show`)")
    from .helptext import add_kube_version
    from .k8s import releases
    add_kube_version(p, f"the profile's, {releases.text(releases.newest())}")


def build_parser(command: str | None = "*"):
    """The whole command line. `command` names the one command whose parser is built ("*" or a
    name that is no command: all of them, for completion, tests and the top-level --help); the
    others are left out entirely, so `winkube lint` builds one parser and never imports the
    webhook, the planner or the registry client (start-up time is most of a pre-commit run)."""
    import argparse

    from . import __version__

    parser = argparse.ArgumentParser(
        prog="winkube", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Find what will go wrong with Windows containers on Kubernetes before it does.",
        epilog="run `winkube COMMAND --help` for a command's options and examples")
    parser.add_argument("--version", action="version", version=f"winkube {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = [command] if command in COMMANDS else list(COMMANDS)
    for name in wanted:
        help_text, build = COMMANDS[name]
        build(sub, name, help_text)
    from .helptext import apply
    apply(parser)
    return parser


def _lint_parser(sub, name: str, help_text: str) -> None:
    import argparse

    lint = sub.add_parser(name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=LINT_EPILOG,
                          description="Check Kubernetes manifests for what fails or is ignored on Windows nodes.")
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, or - for stdin")
    lint.add_argument("-f", "--filename", action="append", default=[], metavar="PATH", help="like kubectl: a file or directory (repeatable)")
    lint.add_argument("-o", "--output", "--format", dest="output", default="text", choices=["text", "json", "yaml", "sarif", "junit"],
                      help="output format (default: text); --format is the same flag")
    _add_profile_args(lint)
    lint.add_argument("--fail-on", choices=["error", "warning", "info", "none"], help="lowest severity that makes the exit code 1 (default: error)")
    lint.add_argument("--resolve-images", action="store_true", help="read image platforms from their registries instead of tag conventions")
    lint.add_argument("--insecure-registry", action="append", default=[], metavar="HOST", help="with --resolve-images: plain HTTP for this loopback registry")
    lint.add_argument("--ca-file", metavar="FILE", help="with --resolve-images: CA bundle for registries with a private CA")
    lint.add_argument("--docker-config", metavar="PATH", help="with --resolve-images: Docker config (auths, credential helpers); "
                      "default $DOCKER_CONFIG or ~/.docker. Image pull Secrets in the input are used too")
    lint.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour (default: only on a terminal)")
    lint.add_argument("--config", metavar="FILE", help="configuration file (default: .winkube.yaml found upward)")
    lint.add_argument("--no-config", action="store_true", help="ignore .winkube.yaml")
    lint.add_argument("--disable", action="append", default=[], metavar="RULE", help="turn a rule off (repeatable)")
    lint.add_argument("--stdin-filename", metavar="NAME", help="the file name piped input is reported under (code scanning places findings by it)")
    lint.add_argument("-v", "--verbose", action="store_true", help="also list the files skipped because they hold no Kubernetes objects")
    lint.add_argument("--no-gitignore", action="store_true", help="also walk paths that .gitignore files ignore")
    lint.add_argument("--allow-empty", action="store_true", help="exit 0 when the input holds no Kubernetes objects (the pre-commit hook)")
    lint.add_argument("--values", action="append", default=[], metavar="FILE", help="Helm charts: a values file for helm template (repeatable)")
    lint.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="Helm charts: a value for helm template (repeatable)")
    lint.add_argument("--enable", action="append", default=[], metavar="RULE", help="turn on a rule the config file turns off (repeatable)")


def _rules_parser(sub, name: str, help_text: str) -> None:
    rules = sub.add_parser(name, help=help_text)
    rules.add_argument("--stage", choices=["admission", "scheduling", "kubelet", "runtime", "ignored", "practice"])
    rules.add_argument("-o", "--output", default="text", choices=["text", "json", "yaml"], help="output format (default: text)")


def _explain_parser(sub, name: str, help_text: str) -> None:
    import argparse

    explain = sub.add_parser(name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXPLAIN_EXAMPLES)
    explain.add_argument("rule", metavar="RULE|MESSAGE", nargs="?")
    explain.add_argument("--pod", metavar="NS/NAME|NAME", help="read this pod, its node and Events from the cluster and explain its failures "
                         "(with a MESSAGE: explain that message with the pod and node as context)")
    explain.add_argument("--kubeconfig", metavar="FILE", help="with --pod: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else in-cluster)")
    explain.add_argument("--context", metavar="NAME", help="with --pod: kubeconfig context")
    explain.add_argument("-n", "--namespace", metavar="NS", help="with --pod NAME: the pod's namespace (as kubectl -n)")
    explain.add_argument("--request-timeout", type=float, default=30.0, metavar="SECONDS", help="with --pod: per request (default: 30)")
    explain.add_argument("--resolve-images", action="store_true", help="with --pod: read the images' platforms from their registries")
    explain.add_argument("--insecure-registry", action="append", default=[], metavar="HOST", help="with --resolve-images: plain HTTP for this loopback registry")
    explain.add_argument("--ca-file", metavar="FILE", help="with --resolve-images: CA bundle for registries with a private CA")
    explain.add_argument("--docker-config", metavar="PATH", help="with --resolve-images: Docker config (auths, credential helpers)")
    explain.add_argument("-o", "--output", default="text", choices=["text", "json"], help="output format for messages (default: text)")


def _profile_parser(sub, name: str, help_text: str) -> None:
    profile = sub.add_parser(name, help=help_text)
    psub = profile.add_subparsers(dest="profile_command", metavar="SUBCOMMAND")
    show = psub.add_parser("show", help="print the profile in effect (the embedded default, --profile, or Node objects given)")
    _add_profile_args(show)
    show.add_argument("inputs", nargs="*", metavar="PATH", help="files with Node / RuntimeClass objects (kubectl get nodes -o yaml)")
    show.add_argument("-o", "--output", default="yaml", choices=["yaml", "json"])
    plist = psub.add_parser("list", help="the platform profiles: Windows builds offered, taints, provider labels, sources")
    from .helptext import add_kube_version
    from .k8s import releases
    add_kube_version(plist, releases.text(releases.newest()))
    plist.add_argument("-o", "--output", default="text", choices=["text", "json", "yaml"], help="output format (default: text)")


def _completion_parser(sub, name: str, help_text: str) -> None:
    import argparse

    completion = sub.add_parser(
        name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print a completion script for winkube's commands, flags, their values and rule ids.",
        epilog="examples:\n  source <(winkube completion bash)        in ~/.bashrc\n"
               "  source <(winkube completion zsh)         in ~/.zshrc\n"
               "  winkube completion fish | source         in ~/.config/fish/config.fish")
    completion.add_argument("shell", choices=["bash", "zsh", "fish"])


def _front_door_parser(module: str):
    """Front doors that live in their own packages: each module has add_arguments(parser) and
    run(args) -> int. A front door that fails to load (a missing optional dependency, say) must
    not take `lint` down with it: it answers with the reason when it is asked for."""
    def build(sub, name: str, help_text: str) -> None:
        import argparse

        p = sub.add_parser(name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter)
        try:
            import importlib

            door = importlib.import_module(module)
            p.description = (door.__doc__ or "").strip().split("\n\n")[0] or help_text
            door.add_arguments(p)
            p.set_defaults(run=door.run)
        except Exception as e:  # noqa: BLE001 - reported to the user of that command only
            reason = f"{type(e).__name__}: {e}"
            p.set_defaults(run=lambda args, name=name, reason=reason: _fail(f"`winkube {name}` is unavailable ({reason})"))
    return build


FRONT_DOORS = [
    ("images", "winkube.registry.command", "read image platforms from registries; which Windows node builds can run them"),
    ("plan", "winkube.plan.command", "where each workload can land and why, pool by pool, as the scheduler decides"),
    ("audit", "winkube.audit.command", "a live cluster (or a dump): node readiness, workloads, and failures happening now"),
    ("webhook", "winkube.webhook.command", "the validating and mutating admission webhook: serve it, or print its manifests"),
]

# name -> (one-line help, parser builder), in the order `winkube --help` lists them
COMMANDS = {
    "lint": ("check manifests offline: every problem with its stage, location and fix", _lint_parser),
    "rules": ("list the rules", _rules_parser),
    "explain": ("explain a rule (why, fix, source) or a pasted failure message (cause, fix)", _explain_parser),
    "profile": ("cluster profiles", _profile_parser),
    "completion": ("print a shell completion script (bash, zsh, fish)", _completion_parser),
    **{name: (help_text, _front_door_parser(module)) for name, module, help_text in FRONT_DOORS},
}


def _command_in(argv: list[str]) -> str | None:
    """The command a command line asks for: its first word that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:  # hooks and scripts ask this often; the parser (its help texts read data files) is not needed
        from . import __version__
        print(f"winkube {__version__}")
        return EXIT_OK
    from . import regexcache
    regexcache.seed()  # before anything compiles a pattern: PyYAML's import alone compiles ~70M instructions' worth
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    if sys.stdout is None:  # started with fd 1 closed (`winkube lint x >&-`): Python leaves sys.stdout None
        return _fail("standard output is closed: nowhere to write the report")
    box: dict = {}

    def work():
        try:
            box["code"] = _dispatch(args, parser)
        except BrokenPipeError:
            box["code"] = EXIT_OK
        except OSError as e:  # the report could not be written (a full disk, say): one line, not a traceback
            box["code"] = _fail(f"cannot write the output: {e.strerror or e}")
        except KeyboardInterrupt:
            box["code"] = 130

    import threading

    threading.stack_size(_STACK)
    t = threading.Thread(target=work, name="winkube")
    t.start()
    t.join()
    code = box.get("code", EXIT_ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    return code


def _fail(message: str) -> int:
    print(f"winkube: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _dispatch(args, parser) -> int:
    if args.command == "lint":
        return _lint(args)
    if args.command == "rules":
        from .report.registry import render
        from .rules import all_rules, rule_infos
        # the listing needs only the generated index; JSON/YAML carry each rule's whole text
        every = rule_infos() if args.output == "text" else all_rules()
        rules = {k: r for k, r in every.items() if not args.stage or r.stage.value == args.stage}
        render("rules", args.output, rules, sys.stdout)
        return EXIT_OK
    if args.command == "explain":
        if args.pod:
            from .failures.command import explain_pod_command
            return explain_pod_command(args)
        if not args.rule:
            return _fail("give a rule id or a failure message in quotes, or --pod NS/NAME")
        from .report.rules import explain
        from .rules import one_rule
        rule = one_rule(args.rule)
        if rule is not None:
            explain(rule, sys.stdout)
            return EXIT_OK
        import re

        if " " in args.rule.strip() or "(0x" in args.rule or re.fullmatch(r"-?\d{7,10}|0x[0-9a-fA-F]{1,8}", args.rule.strip()):
            # not a rule id: a failure message pasted from kubectl describe / events / logs, or a bare Windows code
            from .failures.command import explain_message_command
            return explain_message_command(args.rule, args.output)
        return _fail(f"no rule {args.rule!r} (see `winkube rules`; or paste a failure message in quotes)")
    if args.command == "completion":
        from .completion import script
        from .rules import rule_ids
        sys.stdout.write(script(args.shell, build_parser("*"), list(rule_ids())))
        return EXIT_OK
    if args.command == "profile":
        if args.profile_command == "list":
            return _profile_list(args)
        if args.profile_command != "show":
            parser.parse_args(["profile", "--help"])
        return _profile_show(args)
    if hasattr(args, "run"):
        return args.run(args)
    return EXIT_ERROR


def _profile(args):
    from .model.profile import default_profile, load_profile, supported_kube_version
    version = supported_kube_version(args.kube_version) if args.kube_version else None
    profile = load_profile(args.profile, version) if args.profile else default_profile(version)
    if version:
        profile.kube_version = version
    return profile


def _profile_list(args) -> int:
    from .model.platforms import table
    from .k8s import releases
    from .model.profile import ProfileError, supported_kube_version
    from .report.registry import render
    try:
        version = supported_kube_version(args.kube_version) if args.kube_version else releases.newest()
    except ProfileError as e:
        return _fail(str(e))
    render("profile list", args.output, {"kubeVersion": f"{version[0]}.{version[1]}", "platforms": table(version)}, sys.stdout)
    return EXIT_OK


def _profile_show(args) -> int:
    from .engine import Engine, Options
    from .load.inputs import iter_sources
    from .model.profile import ProfileError
    from .report.registry import render
    try:
        profile = _profile(args)
    except ProfileError as e:
        return _fail(str(e))
    errors = []
    engine = Engine(Options(profile=profile))
    if args.inputs:
        engine.profile_from_input(list(iter_sources(args.inputs, errors)))
    render("profile", args.output, engine.options.profile, sys.stdout)
    for e in errors:
        print(f"winkube: {e.file}: {e.message}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_OK


def _lint(args) -> int:
    from .config import ConfigError, config_for, rule_filter
    from .engine import Engine, Options, severity_at_least
    from .load.inputs import iter_sources
    from .model.profile import ProfileError, default_profile, load_profile, supported_kube_version
    from .report.lint import LintOutput
    from .report.registry import render

    paths = list(args.paths) + list(args.filename)
    if not paths:
        if sys.stdin.isatty():
            return _fail("nothing to lint: give files, directories, or - for stdin (see `winkube lint --help`)")
        paths = ["-"]
    try:
        from .rules import rule_ids

        config = config_for(args.config, args.no_config, known_rules=rule_ids())
        rules_filter = rule_filter(config, args.disable, args.enable, known_rules=rule_ids())
    except ConfigError as e:
        return _fail(str(e))
    try:
        options = Options()
        version = args.kube_version or (config.kube_version if config and config.kube_version else None)
        if version:
            options.kube_version = supported_kube_version(version)
        profile_path = args.profile or (str(config.profile) if config and config.profile else None) \
            or (config.platform if config else None)
        if profile_path:
            options.profile = load_profile(profile_path, options.kube_version)
        elif options.kube_version:
            options.profile = default_profile(options.kube_version)  # the guessed pools of that release
    except ProfileError as e:
        return _fail(str(e))
    options.rule_filter = rules_filter
    if args.fail_on:  # the command line overrides the file
        fail_on = args.fail_on
    elif config is not None:
        fail_on = config.fail_on.value if config.fail_on is not None else "none"
    else:
        fail_on = "error"

    from .load.render import RenderOptions

    errors = []
    # helm assumes Kubernetes v1.20 without a cluster: render for the release winkube checks against
    major, minor = options.kube_version or options.profile.kube_version
    render_options = RenderOptions(values=args.values, set=args.set, kube_version=f"v{major}.{minor}.0")
    _settle_collector()  # start-up is done: reading (helm, kustomize), resolving images and linting collect as usual
    from . import regexcache

    regexcache.reading_input(True)  # patterns compiled from the repository's text are never kept
    sources = list(iter_sources(paths, errors, skip=config.is_excluded if config else None,
                                gitignore=not args.no_gitignore, render=render_options, stdin_name=args.stdin_filename))
    regexcache.reading_input(False)
    engine = Engine(options)
    if args.resolve_images:
        options.images = _resolve_images(sources, args, errors)
    result = engine.lint_sources(sources, errors, progress=_progress_bar(len(sources)))
    if any(s.rendered_by for s in sources):
        from .load.render import relocate
        relocate(result.findings, sources)
    result.findings.sort(key=lambda f: (f.file or "", f.line or 0, f.column or 0, f.rule, f.path_str))
    render("lint", args.output, LintOutput(result, lambda: engine.rules), sys.stdout, color=_color(args.color, sys.stdout))
    if args.verbose:
        for file, reason in sorted(result.skipped):
            print(f"winkube: skipped {file}: {reason}", file=sys.stderr)
    if result.errors:
        return EXIT_ERROR
    if len(result.skipped) == result.files and not args.allow_empty:  # an empty List is input, no file is
        return _fail(f"no Kubernetes objects in {' '.join(paths) if paths != ['-'] else 'stdin'} "
                     "(files without apiVersion and kind are skipped; -v lists them)")
    return EXIT_FINDINGS if any(severity_at_least(f, fail_on) for f in result.findings) else EXIT_OK


def _progress_bar(total: int, stream=None):
    """A one-line bar on stderr for long runs on a terminal (a \r line: nothing to import)."""
    stream = stream or sys.stderr
    if total < 20 or not (hasattr(stream, "isatty") and stream.isatty()):
        return None

    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        stream.write(f"\r  linting [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files{end}")
        stream.flush()

    return draw


def _resolve_images(sources, args, errors) -> dict:
    """Image refs of every workload in the input → platforms read from their registries."""
    from .lintimages import resolve_for_lint
    return resolve_for_lint(sources, args, errors)


def entry() -> None:
    """The console scripts (winkube, kubectl-winkube) and `python -m winkube.cli`: main() in a process
    of its own. A pre-commit run is mostly start-up, so a lint runs without the cyclic collector
    until its code and data are loaded (they live as long as the process: see _settle_collector),
    and ends without tearing the interpreter down (module teardown and a last full collection were
    ~29M instructions of ~360M): the exit handlers run and the output is flushed, then os._exit."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    lint = _command_in(sys.argv[1:]) == "lint"
    if lint:
        gc.disable()
    code = main()
    if not lint:
        sys.exit(code)
    from . import regexcache

    regexcache.save()  # what this lint compiled (code and config, never input); in a caller's process, nothing
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe or stream: as at a normal exit, nothing more to say
            pass
    os._exit(code)


def _settle_collector() -> None:
    """Before the input is read: what start-up loaded (code, the parser, knowledge) stays for the
    whole run, so it is moved out of the collector's reach (gc.freeze), and the collector, off during
    start-up (entry), is turned on for reading, rendering and linting (memory stays bounded on any
    input; nothing the input makes is frozen)."""
    if _OWN_PROCESS and not gc.isenabled():
        gc.freeze()
        gc.enable()


if __name__ == "__main__":  # pragma: no cover
    entry()
