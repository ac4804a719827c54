"""Assertions for the claims a notebook makes (introduced in ``01_background``).

When the prose says "ReLU trains faster than sigmoid", the cell below it runs
the experiment and calls one of these. A claim that stops holding raises
:class:`~helpers.errors.ClaimError`, so the headless run and CI fail. A claim
that holds prints one sentence starting with ``CHECK_MARK``, with the numbers
behind it; the notebook runner collects those lines into its summary.

Two kinds of claim:

- about one measured number, or an ordering of two (:func:`check_range`,
  :func:`check_greater`): a description of this run;
- about which of two methods is better, or that they are about the same
  (:func:`check_better`, :func:`check_similar`): these need several scores per
  method (per seed, per piece, per fold) and pass only when the interval of the
  mean difference (:func:`compare`) says so. A ranking read off one run of each
  is noise as often as not; the rule in the notebooks is that the prose says
  "better" only above a ``check_better`` and "about the same" only above a
  ``check_similar``.

Checks take ranges and orderings, never exact floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy import stats

from .errors import ClaimError, ParameterError

__all__ = [
    "CHECK_MARK",
    "BOOTSTRAP_FROM",
    "Comparison",
    "check",
    "check_range",
    "check_greater",
    "compare",
    "check_better",
    "check_similar",
    "scores_over_seeds",
]

#: Prefix of the line printed by a claim that holds.
CHECK_MARK = "✔"

#: Smallest number of scores (per sample) for which :func:`compare` uses a
#: bootstrap rather than Student's t. Measured over 1000-3000 repeated experiments
#: (normal scores, skewed accuracies near 1, paired and unpaired): the 95%
#: interval of a BCa bootstrap covers the true difference only 72-82% of the
#: time at n = 3, 88-92% at 10, 91-93% at 20 and 93-94% from 30 on, while
#: Student's t keeps 95% at every n on all but strongly skewed scores. From 30
#: on the two cover alike, and the bootstrap's asymmetric interval follows
#: skewed scores better (with exponential differences at n = 30 its interval
#: misses below 2.4% and above 4.2% of the time; t's misses 0.6% and 6.1%, and
#: a miss on one side is a ``check_better`` that passes wrongly).
#: ``tests/test_checks.py`` checks t at 3 seeds, the bootstrap at 30 pieces,
#: and that a bootstrap at 3 seeds would be far too narrow.
BOOTSTRAP_FROM = 30


def _digits(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits; plain decimals below ten million."""
    if not math.isfinite(v) or v == 0:
        return f"{v:g}"
    whole = int(math.floor(math.log10(abs(v)))) + 1  # digits before the point
    if 0 < whole <= 7:
        text = f"{v:.{max(0, digits - whole)}f}"  # "1000", not "1e+03"
        return text.rstrip("0").rstrip(".") if "." in text else text  # "1.2"
    return f"{v:.{digits}g}"


def _apart(*values) -> list[str]:
    """The numbers with 3 significant digits, more where fewer would make two of
    them read alike or swap their order (a value rounded onto its bound reads as
    a contradiction)."""
    vs = [float(v) for v in values]
    for digits in range(3, 10):
        texts = [_digits(v, digits) for v in vs]
        shown = [float(t) for t in texts]
        if all((shown[i] - shown[j]) * (vs[i] - vs[j]) > 0
               for i in range(len(vs)) for j in range(len(vs))
               if vs[i] != vs[j] and math.isfinite(vs[i] - vs[j])):
            return texts
    return texts


def _number(value, *bounds) -> str:
    """``value`` with 3 significant digits, more if rounding would hide a bound."""
    return _apart(value, *(b for b in bounds if b is not None))[0]


def check(claim: str, ok: bool, detail: str = "") -> bool:
    """Assert that ``ok`` holds for the sentence ``claim``, and print it.

    Introduced in ``01_background``, like :func:`check_range` and
    :func:`check_greater`, which call it.

    Parameters
    ----------
    claim : str
        The claim in words, e.g. ``"log compression beats linear magnitude"``.
    ok : bool
        Whether the claim held.
    detail : str
        The measured numbers behind it, shown on success and failure.

    Returns
    -------
    bool
        True (a claim that does not hold raises).

    Raises
    ------
    ClaimError
        If ``ok`` is false; the message repeats the claim and ``detail``.
    """
    suffix = f" ({detail})" if detail else ""
    if not bool(ok):
        raise ClaimError(f"claim failed: {claim}{suffix}")
    print(f"{CHECK_MARK} {claim}{suffix}")
    return True


def check_range(name: str, value, low=None, high=None, *, unit: str = ""):
    """Assert ``low <= value <= high`` (either bound may be ``None``).

    Introduced in ``01_background``. Returns the value, so a notebook can write
    ``acc = check_range("test accuracy", acc, low=0.8)``. Prints a sentence
    such as ``✔ largest log-mel difference, torch vs librosa: 0.00129 dB, at
    most 0.01``.

    Parameters
    ----------
    name : str
        What the value is, e.g. ``"test accuracy"``.
    value : float
        The measured number. NaN fails.
    low, high : float or None
        The bounds, inclusive; ``None`` for no bound.
    unit : str
        Written after the value and the bounds (``"dB"``, ``"s"``).

    Returns
    -------
    object
        ``value``, unchanged.

    Raises
    ------
    ClaimError
        If the value is NaN or outside the bounds.
    """
    v = float(value)
    ok = not math.isnan(v)
    ok = ok and (low is None or v >= low) and (high is None or v <= high)
    u = f" {unit}" if unit else ""
    shown = _apart(v, *(b for b in (low, high) if b is not None))
    measured = f"{shown[0]}{u}"
    if low is not None and high is not None:
        bounds = f"between {shown[1]} and {shown[2]}{u}"
    elif low is not None:
        bounds = f"at least {shown[1]}{u}"
    elif high is not None:
        bounds = f"at most {shown[1]}{u}"
    else:
        bounds = "any value"
    if not ok:
        raise ClaimError(f"claim failed: {name}: {measured}, expected {bounds}")
    print(f"{CHECK_MARK} {name}: {measured}, {bounds}")
    return value


def check_greater(name_a: str, a, name_b: str, b, margin: float = 0.0, *,
                  unit: str = "") -> bool:
    """Assert ``a > b + margin``: an ordering between two measured numbers.

    Introduced in ``02_audio_representations``. Prints a sentence such as ``✔ notes as
    trained above delayed: 0.92 against 0.41, a gap of 0.51, more than 0.15``.
    Two numbers from one run describe that run; to claim that one method is
    better than another, use :func:`check_better` on several runs.

    Parameters
    ----------
    name_a, name_b : str
        What the two numbers are.
    a, b : float
        The two numbers.
    margin : float
        How much ``a`` must exceed ``b`` by.
    unit : str
        Written after the numbers (``"Hz"``, ``"ms"``).

    Returns
    -------
    bool
        True (a claim that does not hold raises).

    Raises
    ------
    ClaimError
        If ``a <= b + margin`` (or either is NaN).
    """
    a, b = float(a), float(b)
    u = f" {unit}" if unit else ""
    claim = f"{name_a} above {name_b}"
    detail = f"{_number(a, b)}{u} against {_number(b, a)}{u}"
    if margin:
        gap = _number(a - b, margin)
        detail += f", a gap of {gap}{u}, more than {_number(margin)}{u}"
    if not a > b + margin:
        raise ClaimError(f"claim failed: {claim}: {detail}")
    print(f"{CHECK_MARK} {claim}: {detail}")
    return True


# --------------------------------------------------------------------------
# Comparisons with their uncertainty


@dataclass(frozen=True)
class Comparison:
    """The mean difference of two samples of scores, with its interval.

    Introduced for ``01_background``; :func:`compare` makes one.
    ``str(comparison)`` reads ``difference +0.72, 95% interval +0.68 to +0.76,
    3 seeds, paired t``.

    Parameters
    ----------
    mean_a, mean_b : float
        The mean of each sample.
    difference : float
        ``mean_a - mean_b``.
    low, high : float
        The ends of the interval for the difference of the true means.
    n_a, n_b : int
        How many scores each sample has.
    paired : bool
        Whether score ``i`` of ``a`` and of ``b`` came from the same seed,
        piece or fold.
    confidence : float
        The interval's confidence level, e.g. 0.95.
    method : str
        How the interval was computed: ``"paired t"``, ``"Welch's t"``,
        ``"paired bootstrap"`` or ``"bootstrap"`` (BCa; ``"percentile"`` when
        BCa is undefined for the data).
    over : str
        The unit of the scores in words, plural: ``"seeds"``, ``"pieces"``.
    """

    mean_a: float
    mean_b: float
    difference: float
    low: float
    high: float
    n_a: int
    n_b: int
    paired: bool
    confidence: float
    method: str
    over: str

    def _decimals(self) -> int:
        """Decimals that show the interval's half-width with one or two digits."""
        spread = (self.high - self.low) / 2
        if not spread > 0:
            spread = abs(self.difference)
        if not spread > 0 or not math.isfinite(spread):
            return 2
        return int(min(6, max(2, -math.floor(math.log10(spread)))))

    def _signed(self, value: float) -> str:
        return f"{value:+.{self._decimals()}f}"

    def _plain(self, value: float) -> str:
        return f"{value:.{self._decimals()}f}"

    @property
    def level(self) -> str:
        """The confidence as a percentage in words, e.g. ``"95%"``."""
        return f"{100 * self.confidence:.3g}%"

    @property
    def sizes(self) -> str:
        """How many scores, in words: ``"3 seeds"``, ``"3 and 5 seeds"``."""
        if self.n_a == self.n_b:
            return f"{self.n_a} {self.over}"
        return f"{self.n_a} and {self.n_b} {self.over}"

    def __str__(self) -> str:
        return (
            f"difference {self._signed(self.difference)}, {self.level} interval "
            f"{self._signed(self.low)} to {self._signed(self.high)}, {self.sizes}, "
            f"{self.method}"
        )

    def _repr_pretty_(self, p, cycle) -> None:  # IPython shows the sentence
        p.text(f"Comparison({self})")

    def means(self) -> str:
        """The two means in words: ``"0.98 against 0.26"``."""
        return f"{self._plain(self.mean_a)} against {self._plain(self.mean_b)}"


def _scores(values, name: str) -> np.ndarray:
    """``values`` as a 1-D float array of at least 2 finite scores."""
    if isinstance(values, (str, bytes)) or isinstance(values, Mapping):
        raise ParameterError(
            f"{name} must be a sequence of scores (one per seed, piece or fold), "
            f"got {type(values).__name__}"
        )
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name} must be a sequence of numbers (one score per seed, piece or "
            f"fold), got {values!r}"
        ) from None
    if x.ndim != 1:
        raise ParameterError(
            f"{name} must be a flat sequence of scores, got shape {x.shape}; pass "
            "one score per seed, piece or fold"
        )
    if x.size < 2:
        raise ParameterError(
            f"{name} has {x.size} score(s); an interval needs at least 2 (run the "
            "experiment with more seeds, or score each piece separately)"
        )
    bad = ~np.isfinite(x)
    if bad.any():
        raise ParameterError(
            f"{name} has {int(bad.sum())} score(s) that are NaN or infinite (at "
            f"index {np.flatnonzero(bad).tolist()}); a run that diverged must be "
            "fixed or reported, not averaged"
        )
    return x


def _confidence(confidence) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not (
        0 < confidence < 1
    ):
        raise ParameterError(
            f"confidence must be a number between 0 and 1 (exclusive), e.g. 0.95, "
            f"got {confidence!r}"
        )
    return float(confidence)


def _mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _bootstrap(samples, statistic, *, paired, confidence, seed, n_resamples):
    """BCa bootstrap interval; the percentile one where BCa is undefined."""
    import warnings

    rng = np.random.default_rng(seed)
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate data: handled below
            result = stats.bootstrap(
                samples, statistic, paired=paired, vectorized=True,
                confidence_level=confidence, n_resamples=n_resamples,
                method=method, rng=rng,
            )
        low, high = result.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return float(low), float(high), method
    return math.nan, math.nan, "percentile"


def compare(a, b, *, paired: bool = False, confidence: float = 0.95, seed: int = 0,
            over: str = "seeds", method: str = "auto",
            n_resamples: int = 9999) -> Comparison:
    """The mean difference ``mean(a) - mean(b)`` of two samples, with its interval.

    Introduced in ``01_background``. The interval is where the difference of
    the true means (over all seeds, all pieces) lies, at ``confidence``. How it
    is computed depends on how many scores there are (the smaller sample's
    count ``n``), and the result says which:

    - ``n < BOOTSTRAP_FROM`` (30; three to five seeds, a few folds): Student's
      t, on the differences ``a - b`` when ``paired`` ("paired t"), else
      Welch's t, which does not assume equal spreads ("Welch's t"). A
      bootstrap is far too narrow here: at 3 scores its 95% interval misses
      the truth a fifth to a quarter of the time.
    - ``n >= 30`` (per-piece scores): :func:`scipy.stats.bootstrap`, BCa,
      resampling pairs when ``paired`` ("paired bootstrap"), else each sample
      on its own ("bootstrap"). It follows skewed scores (accuracies near 1).

    Parameters
    ----------
    a, b : sequence of float [shape=(n_a,), (n_b,)]
        Scores of two methods, one per seed, piece or fold; at least 2 each,
        all finite.
    paired : bool
        True when ``a[i]`` and ``b[i]`` share a seed, a piece or a fold (then
        ``n_a == n_b``): the pairing removes what the two share, and the
        interval is narrower when their scores move together.
    confidence : float
        In (0, 1); 0.95 gives a 95% interval.
    seed : int
        Seeds the bootstrap's resampling, so the interval is reproducible.
    over : str
        The unit of the scores, plural, for the printed sentence (``"seeds"``,
        ``"pieces"``, ``"folds"``).
    method : {"auto", "t", "bootstrap"}
        ``"auto"`` chooses by ``n`` as above; the others force a method (the
        tests use them to show why ``auto`` chooses as it does).
    n_resamples : int
        Bootstrap resamples.

    Returns
    -------
    Comparison
        Means, difference, interval, sizes and method;
        ``str(result)`` is one line such as ``difference +0.72, 95% interval
        +0.68 to +0.76, 3 seeds, paired t``.

    Raises
    ------
    ParameterError
        If a sample has fewer than 2 scores, a NaN or an infinite score, if
        ``paired`` and the lengths differ, or if ``confidence`` is not in (0, 1).

    Examples
    --------
    >>> from helpers.checks import compare
    >>> print(compare([0.98, 0.97, 0.99], [0.25, 0.27, 0.26], paired=True))
    difference +0.72, 95% interval +0.69 to +0.75, 3 seeds, paired t
    """
    x, y = _scores(a, "a"), _scores(b, "b")
    confidence = _confidence(confidence)
    if method not in ("auto", "t", "bootstrap"):
        raise ParameterError(
            f"method must be one of ('auto', 't', 'bootstrap'), got {method!r}"
        )
    if not isinstance(over, str) or not over:
        raise ParameterError(
            f"over must be the unit of the scores in words, e.g. 'seeds', got {over!r}"
        )
    if paired and x.size != y.size:
        raise ParameterError(
            f"paired=True needs one score of a and one of b per seed or piece, got "
            f"{x.size} scores in a and {y.size} in b; pass scores of the same seeds "
            "or pieces in the same order, or use paired=False"
        )
    n = min(x.size, y.size)
    if method == "auto":
        method = "bootstrap" if n >= BOOTSTRAP_FROM else "t"
    difference = float(x.mean() - y.mean())
    if method == "t":
        name = "paired t" if paired else "Welch's t"
        if paired:
            d = x - y
            spread = np.ptp(d)
            result = stats.ttest_1samp(d, 0.0) if spread > 0 else None
        else:
            spread = np.ptp(x) + np.ptp(y)
            result = stats.ttest_ind(x, y, equal_var=False) if spread > 0 else None
        if result is None:  # every score equal: no spread, no uncertainty left
            low = high = difference
        else:
            ci = result.confidence_interval(confidence_level=confidence)
            low, high = float(ci.low), float(ci.high)
    else:
        name = "paired bootstrap" if paired else "bootstrap"
        if (np.ptp(x - y) if paired else np.ptp(x) + np.ptp(y)) == 0:
            low = high = difference
        else:
            samples = (x - y,) if paired else (x, y)
            statistic = (lambda d, axis=-1: np.mean(d, axis=axis)) if paired else (
                _mean_difference)
            low, high, used = _bootstrap(
                samples, statistic, paired=False, confidence=confidence, seed=seed,
                n_resamples=n_resamples,
            )
            if used != "BCa":
                name += f" ({used})"
    return Comparison(
        mean_a=float(x.mean()), mean_b=float(y.mean()), difference=difference,
        low=low, high=high, n_a=int(x.size), n_b=int(y.size), paired=bool(paired),
        confidence=confidence, method=name, over=over,
    )


def check_better(name_a: str, a, name_b: str, b, *, paired: bool = False,
                 margin: float = 0.0, confidence: float = 0.95,
                 over: str = "seeds", seed: int = 0) -> Comparison:
    """Assert that ``a`` scores higher than ``b``: the interval lies above ``margin``.

    Introduced in ``01_background``. The claim holds only when the low end of
    the interval of ``mean(a) - mean(b)`` (:func:`compare`) is above
    ``margin``: a difference that the spread over seeds or pieces could
    produce by chance does not count. Prints, e.g.::

        ✔ the LSTM beats the plain RNN: 0.98 against 0.26 (difference +0.72,
        95% interval +0.68 to +0.76, 3 seeds, paired t)

    For scores where lower is better (a loss, an error rate), swap the two.

    Parameters
    ----------
    name_a, name_b : str
        The two methods, as the sentence names them (``"the LSTM"``).
    a, b : sequence of float
        Their scores, one per seed, piece or fold (see :func:`compare`).
    paired : bool
        True when ``a[i]`` and ``b[i]`` share a seed, piece or fold.
    margin : float
        How much higher ``a`` must be; 0 asks only that it is higher.
    confidence : float
        The interval's confidence, in (0, 1).
    over : str
        The unit of the scores, plural (``"seeds"``, ``"pieces"``).
    seed : int
        Seeds the bootstrap (used from 30 scores on).

    Returns
    -------
    Comparison
        What :func:`compare` returned.

    Raises
    ------
    ClaimError
        If the interval reaches down to ``margin`` or below; the message gives
        the same evidence and says what it means.
    ParameterError
        As :func:`compare`.
    """
    margin = _finite(margin, "margin")
    result = compare(a, b, paired=paired, confidence=confidence, seed=seed, over=over)
    by = f" by more than {_number(margin)}" if margin else ""
    claim = f"{name_a} beats {name_b}{by}"
    evidence = f"{result.means()} ({result})"
    if not result.low > margin:
        if result.high <= margin:
            why = f"{name_a} does not score higher{by}"
        else:
            why = (f"the interval reaches {result._signed(result.low)}, so these "
                   f"{result.sizes} do not tell{by}; more {result.over} would "
                   "narrow it, or the difference is not there")
        raise ClaimError(f"claim failed: {claim}: {evidence}; {why}")
    print(f"{CHECK_MARK} {claim}: {evidence}")
    return result


def check_similar(name_a: str, a, name_b: str, b, *, within: float,
                  paired: bool = False, confidence: float = 0.95,
                  over: str = "seeds", seed: int = 0) -> Comparison:
    """Assert that ``a`` and ``b`` score about the same: the interval lies in ±within.

    Introduced for ``01_background``. "No clear difference" is a claim too:
    it holds only when the whole interval of ``mean(a) - mean(b)``
    (:func:`compare`) lies inside ``(-within, +within)``, so that neither can
    be better by more than ``within``. Too few scores give a wide interval,
    and then the claim fails: a missing difference is not shown by a noisy
    one. Prints, e.g.::

        ✔ the CNN and the CRNN score about the same, within ±0.02: 0.821 against
        0.820 (difference +0.001, 95% interval -0.004 to +0.006, 5 seeds, paired t)

    Parameters
    ----------
    name_a, name_b : str
        The two methods, as the sentence names them.
    a, b : sequence of float
        Their scores, one per seed, piece or fold (see :func:`compare`).
    within : float
        The largest difference that counts as "about the same", > 0, in the
        scores' unit (0.02 = two points of accuracy).
    paired, confidence, over, seed
        As :func:`check_better`.

    Returns
    -------
    Comparison
        What :func:`compare` returned.

    Raises
    ------
    ClaimError
        If the interval reaches ``-within`` or ``+within`` or beyond.
    ParameterError
        If ``within`` is not a positive number, or as :func:`compare`.
    """
    within = _finite(within, "within")
    if within <= 0:
        raise ParameterError(
            f"within must be a positive number (the largest difference that counts "
            f"as about the same, e.g. 0.02), got {within!r}"
        )
    result = compare(a, b, paired=paired, confidence=confidence, seed=seed, over=over)
    claim = (f"{name_a} and {name_b} score about the same, within "
             f"±{_number(within)}")
    evidence = f"{result.means()} ({result})"
    if not (-within < result.low and result.high < within):
        edge = result.low if result.low <= -within else result.high
        raise ClaimError(
            f"claim failed: {claim}: {evidence}; the interval reaches "
            f"{result._signed(edge)}, so a difference that large is not ruled out"
        )
    print(f"{CHECK_MARK} {claim}: {evidence}")
    return result


def _finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(
        value
    ):
        raise ParameterError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def scores_over_seeds(run: Callable[[int], float | Mapping[str, float]],
                      seeds: Iterable[int]):
    """Run an experiment once per seed and collect its scores.

    Introduced for ``01_background``. Before each call,
    :func:`helpers.env.seed_everything` seeds Python, NumPy and PyTorch with
    that seed, so ``run`` needs no seeding of its own and each run is
    reproducible.

    Parameters
    ----------
    run : callable, (seed) -> float or dict of str to float
        Trains and evaluates once, returning a score, or several scores by
        name (``{"LSTM": 0.98, "RNN": 0.26}``) when one run measures several
        methods on the same seed (then compare them with ``paired=True``).
    seeds : iterable of int
        E.g. ``range(3)``.

    Returns
    -------
    np.ndarray [shape=(len(seeds),)] or dict of str to np.ndarray
        The scores in seed order; a dict with the same names when ``run``
        returns a dict.

    Raises
    ------
    ParameterError
        If ``seeds`` is empty or not integers, or ``run`` returns something
        other than a number or a dict of numbers, or dicts with other names.

    Examples
    --------
    >>> scores = scores_over_seeds(lambda seed: train_and_score(seed), range(3))
    ... # doctest: +SKIP
    """
    from .env import seed_everything

    if not callable(run):
        raise ParameterError(f"run must be a function of a seed, got {run!r}")
    seeds = list(seeds)
    if not seeds or any(
        isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in seeds
    ):
        raise ParameterError(
            f"seeds must be a non-empty sequence of ints, e.g. range(3), got {seeds!r}"
        )
    results = []
    for seed in seeds:
        seed_everything(int(seed))
        results.append(run(int(seed)))
    first = results[0]
    if isinstance(first, Mapping):
        names = list(first)
        for seed, r in zip(seeds, results, strict=True):
            if not isinstance(r, Mapping) or list(r) != names:
                got = list(r) if isinstance(r, Mapping) else type(r).__name__
                raise ParameterError(
                    f"run returned the scores {names} for seed {seeds[0]} but {got} "
                    f"for seed {seed}; return the same names every time"
                )
        return {
            k: np.array([_score(r[k], s) for r, s in zip(results, seeds, strict=True)])
            for k in names
        }
    return np.array([_score(r, s) for r, s in zip(results, seeds, strict=True)])


def _score(value, seed) -> float:
    """One score that ``run`` returned, as a float."""
    try:
        if isinstance(value, (bool, str, bytes)):
            raise TypeError
        x = np.asarray(value, dtype=float)
        if x.size != 1:
            raise TypeError
    except (TypeError, ValueError):
        raise ParameterError(
            f"run must return a number or a dict of numbers; for seed {seed} it "
            f"returned {value!r}"
        ) from None
    return float(x.reshape(()))
