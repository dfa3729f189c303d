"""`winkube completion bash|zsh|fish` in the real shells (issue 11, item 7), and every command's
--help with a description and an example. zsh and fish are Debian packages the Makefile's `shells`
target installs for `make test`."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from test_cli import BIN, run

ENV = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
BASH_T = 't(){ COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _winkube; echo "${COMPREPLY[*]}"; }'
# zsh runs bash completion functions through bashcompinit, in sh emulation (0-based arrays)
ZSH_T = ('t(){ emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); '
         'COMPREPLY=(); _winkube; echo "${COMPREPLY[*]}"; }')
CASES = [  # (words, expected among the candidates)
    (["winkube", "li"], "lint"),
    (["winkube", "lint", "-o", ""], "sarif"),
    (["winkube", "lint", "--disable", "windows-f"], "windows-forbidden-field"),
    (["winkube", "explain", "image-b"], "image-build-incompatible"),
    (["winkube", "audit", "-o", ""], "html"),
    (["winkube", "webhook", "s"], "serve"),
    (["winkube", "profile", "show", "--o"], "--output"),
    (["winkube", "completion", ""], "fish"),
]


def shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: `make shells` installs it (Debian package {name})", pytrace=False)
    return path


def _q(words):
    return " ".join("''" if not w else w for w in words)


def test_bash_completion():
    script = "source <(winkube completion bash)\n" + BASH_T + "\n" + "\n".join(f"t {_q(w)}" for w, _ in CASES)
    out = subprocess.run([shell("bash"), "-c", script], capture_output=True, text=True, env=ENV, check=True).stdout.splitlines()
    for (words, expected), line in zip(CASES, out):
        assert expected in line.split(), (words, line)
    assert out[0].split() == ["lint"] and out[2].split() == ["windows-forbidden-field"]  # filtered by the prefix


def test_zsh_completion():
    script = ("autoload -U compinit && compinit -u\nsource <(winkube completion zsh)\n" + ZSH_T + "\n"
              + "\n".join(f"t {_q(w)}" for w, _ in CASES))
    r = subprocess.run([shell("zsh"), "-c", script], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    for (words, expected), line in zip(CASES, r.stdout.splitlines()):
        assert expected in line.split(), (words, line)  # zsh's compadd filters by the prefix itself


def test_fish_completion():
    lines = [f'complete -C "{" ".join(w)}"; echo "--"' for w, _ in CASES]
    script = "winkube completion fish | source\n" + "\n".join(lines)
    r = subprocess.run([shell("fish"), "-c", script], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.split("--\n")
    for (words, expected), block in zip(CASES, blocks):
        assert expected in [x.split("\t")[0] for x in block.splitlines()], (words, block)


COMMANDS = [["lint"], ["rules"], ["explain"], ["profile"], ["profile", "show"], ["profile", "list"], ["completion"], ["images"], ["plan"],
            ["audit"], ["webhook"], ["webhook", "serve"], ["webhook", "manifests"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_has_a_description_and_an_example(command):
    r = run(*command, "--help")
    assert r.returncode == 0, r.stderr
    body = r.stdout.split("\n\n")
    assert body[0].startswith("usage: winkube"), r.stdout
    assert body[1].strip() and not body[1].startswith(("positional", "options")), f"no description:\n{r.stdout}"
    assert re.search(r"^examples?:\n(  .*\n)*  (winkube|source|kubectl|helm) ", r.stdout + "\n", re.M), \
        f"no example:\n{r.stdout}"


def test_shared_flags_are_spelled_the_same_on_every_command():
    from winkube.cli import build_parser
    from winkube.completion import commands

    flags = {" ".join(c.path): {n for f in c.flags for n in f.names} for c in commands(build_parser("*"))}
    # -o on every command that prints a result; --fail-on and --color on every command whose exit code
    # follows findings; -n/-A/--context where a cluster is read (explain --pod and webhook manifests: -n)
    outputs = ["lint", "rules", "explain", "profile show", "profile list", "images", "plan", "audit"]
    assert all({"-o", "--output"} <= flags[c] for c in outputs)
    assert all({"--fail-on", "--color"} <= flags[c] for c in ["lint", "plan", "audit", "images"])
    assert all({"--config", "--no-config", "--disable", "--enable", "--profile", "--kube-version"}
               <= flags[c] for c in ["lint", "audit"])
    assert {"--config", "--no-config", "--disable", "--enable", "--profile"} <= flags["plan"]
    assert all({"-n", "--namespace", "-A", "--all-namespaces", "--context", "--kubeconfig"} <= flags[c] for c in ["plan", "audit"])
    assert {"-n", "--namespace", "--context", "--kubeconfig"} <= flags["explain"]
    assert {"-n", "--namespace"} <= flags["webhook manifests"]
    assert {"--context", "--kubeconfig", "--profile", "--kube-version"} <= flags["webhook serve"]
    assert all({"-f", "--filename"} <= flags[c] for c in ["lint", "plan", "audit"])
