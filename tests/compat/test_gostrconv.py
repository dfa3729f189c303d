"""winkube.gostrconv against Go's own strconv (asked through the platforms-oracle driver)."""

from __future__ import annotations

import random

import pytest

from winkube.gostrconv import atoi, parseuint

from .oracle import ask, build_root

FIXED = ["", "+", "-", "0", "+0", "-0", "255", "256", "65535", "65536", "-1", "20348", "85884", "283x",
         "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
         "99999999999999999999", "99999999999999999999x", "0000000000000000000020348", "1_000", " 1", "1 ",
         "\uff12", "18446744073709551616", "-18446744073709551616x"]


@pytest.fixture(scope="module")
def oracle_root():
    return build_root()


def test_atoi_and_parseuint_agree_with_go(oracle_root):
    rnd = random.Random()
    cases = FIXED + ["".join(rnd.choice("0123456789+-_ x.\t") for _ in range(rnd.randint(0, 24))) for _ in range(3000)]
    cases += [rnd.choice(["", "-", "+"]) + str(rnd.randint(0, 10**22)) + rnd.choice(["", "x"]) for _ in range(2000)]
    (answer,) = ask(oracle_root, "v1.0.0-rc.5", [{"strconv": cases}])
    differ = []
    for s, go in zip(cases, answer["strconv"]):
        want = tuple((go[k]["value"], go[k]["ok"]) for k in ("atoi", "uint8", "uint16"))
        if (atoi(s), parseuint(s, 8), parseuint(s, 16)) != want:
            differ.append((s, want))
    assert len(answer["strconv"]) == len(cases)
    assert not differ, f"{len(differ)} of {len(cases)} differ from Go, e.g. {differ[:3]}"
