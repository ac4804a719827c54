"""helpers.validate: one validator per kind of argument, and one atomic write.

Every validator names the argument, the value received and what was expected.
"""

import numpy as np
import pytest

from helpers.errors import ParameterError
from helpers.validate import (
    audio_signal,
    frame_args,
    integer,
    integers,
    number_in,
    one_of,
    positive_int,
    positive_number,
    sample_rate,
)


@pytest.mark.parametrize("bad_sr", [0, -22050, float("nan"), "22050", 22050.5, True,
                                    float("inf"), None, np.bool_(True)])
def test_bad_sample_rate_raises(bad_sr):
    with pytest.raises(ParameterError, match="^sr must"):
        sample_rate(bad_sr)


def test_one_sample_rate_validator_accepts_whole_numbers_of_hz():
    """``validate_sr`` accepted 22050.0 where ``positive_int`` refused it: now one
    validator, used for every ``sr`` in the package."""
    assert sample_rate(22050) == sample_rate(22050.0) == sample_rate(np.int64(22050))
    assert type(sample_rate(22050.0)) is int
    with pytest.raises(ParameterError, match="^rate must"):
        sample_rate(0, "rate")


def test_every_sr_of_the_package_goes_through_the_one_validator():
    from helpers.chords import chord_targets, frames_to_segments
    from helpers.datasets import make_probes

    segments = [[0.0, 1.0, "C:maj"]]
    np.testing.assert_array_equal(chord_targets(segments, 10, sr=22050.0),
                                  chord_targets(segments, 10, sr=22050))
    assert frames_to_segments(np.zeros(4, int), sr=22050.0)[1] == ["0"]
    assert len(make_probes("tones", n=2, sr=22050.0)["audio"]) == 2
    for call in (lambda: chord_targets(segments, 10, sr=-1),
                 lambda: frames_to_segments(np.zeros(4, int), sr=0),
                 lambda: make_probes("tones", n=2, sr=22050.5)):
        with pytest.raises(ParameterError, match="^sr must"):
            call()


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.zeros(100, dtype=np.int16), "floating-point"),
        (np.array([0.0, np.nan, 0.1]), "NaN"),
        (np.array([0.0, np.inf]), "NaN or infinite"),
        (np.zeros(0, dtype=np.float32), "empty"),
        (np.zeros((2, 100), dtype=np.float32), "mono"),
        ([0.0, 0.1], "numpy.ndarray"),
    ],
)
def test_audio_signal_rejects_bad_input(y, match):
    with pytest.raises(ParameterError, match=match):
        audio_signal(y)


def test_audio_signal_too_short_names_the_minimum():
    with pytest.raises(ParameterError, match="at least 2048"):
        audio_signal(np.zeros(100, np.float32), min_samples=2048)


def test_audio_signal_names_the_argument():
    with pytest.raises(ParameterError, match="^clip must"):
        audio_signal(np.zeros(10, np.int32), name="clip")


def test_frame_args():
    assert frame_args(4096, 2048, np.int64(512)) == (2048, 512)
    with pytest.raises(ParameterError, match="n_fft=2048 is larger than the signal"):
        frame_args(1000, 2048, 512)
    with pytest.raises(ParameterError, match="^hop_length must"):
        frame_args(4096, 2048, 0)


def test_integers_is_a_non_empty_list_of_ints_in_range():
    """``load_unheard_chorales`` checked its ``programs`` by hand."""
    program = {"low": 0, "high": 127, "what": "a General MIDI program"}
    assert integers((4, np.int64(11)), "programs", **program) == [4, 11]
    assert integers(np.array([4, 11]), "programs", **program) == [4, 11]
    expected = r"^programs must be a non-empty list, each a General MIDI program in "
    for bad in (4, np.int64(4), np.array(4), "4, 11", {4: "piano"}, None, []):
        with pytest.raises(ParameterError, match=expected):
            integers(bad, "programs", **program)
    with pytest.raises(ParameterError, match=r"^programs\[1\] must be a General "
                                             r"MIDI program in \[0, 127\], got 128"):
        integers([4, 128], "programs", **program)
    with pytest.raises(ParameterError, match=r"^programs\[0\] must .* of type float"):
        integers([1.0], "programs", **program)


def test_numbers_and_choices():
    assert positive_int(np.int32(3), "n") == 3
    assert integer(-2, "k") == -2 and integer(5, "p", low=0, high=127) == 5
    for bad in (1.5, 1.0, True, "1"):
        with pytest.raises(ParameterError, match="^k must be an int"):
            integer(bad, "k")
    with pytest.raises(ParameterError, match=r"in \[0, 127\], got 128"):
        integer(128, "program", low=0, high=127)
    assert positive_number(0.5, "t") == 0.5
    assert number_in(60, "midi", 0, 127) == 60.0
    for bad in (-1, 128, float("nan"), "60"):
        with pytest.raises(ParameterError, match="^midi must"):
            number_in(bad, "midi", 0, 127)
    assert one_of("a", "x", ("a", "b")) == "a"
    with pytest.raises(ParameterError, match=r"^x must be one of \('a', 'b'\)"):
        one_of(["a"], "x", {"a": 1, "b": 2})  # unhashable: a message, not TypeError
    with pytest.raises(ParameterError, match="^x must"):
        one_of(True, "x", (0, 1))
