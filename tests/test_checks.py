import math

import pytest

from helpers.checks import CHECK_MARK, check, check_greater, check_range
from helpers.errors import ClaimError


def test_check_prints_the_claim(capsys):
    assert check("log beats linear", True, "0.9 vs 0.7")
    assert capsys.readouterr().out == f"{CHECK_MARK} log beats linear (0.9 vs 0.7)\n"


def test_check_fails_loudly():
    with pytest.raises(ClaimError, match="claim failed: relu is faster"):
        check("relu is faster", False)


def test_check_range_bounds():
    assert check_range("accuracy", 0.8, low=0.5, high=1.0) == 0.8
    with pytest.raises(ClaimError):
        check_range("accuracy", 0.4, low=0.5)
    with pytest.raises(ClaimError):
        check_range("error", 2.0, high=1.0)
    with pytest.raises(ClaimError):
        check_range("loss", math.nan, low=0)


def test_check_greater_with_margin():
    check_greater("a", 0.9, "b", 0.7, margin=0.1)
    with pytest.raises(ClaimError, match="a > b"):
        check_greater("a", 0.75, "b", 0.7, margin=0.1)
