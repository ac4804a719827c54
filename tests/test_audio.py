import numpy as np
import pytest

from helpers.audio import harmonic_tone, load_audio, play, write_audio
from helpers.errors import AudioFileError, ParameterError


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "mp3", "aiff"])
def test_load_any_common_format_to_float32_mono(tmp_path, harmonic_note, sr, ext):
    path = write_audio(tmp_path / f"note.{ext}", harmonic_note, sr)
    y, out_sr = load_audio(path, sr=16000)
    assert out_sr == 16000
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) - 16000) < 0.05 * 16000  # lossy codecs pad a little
    assert 0.2 < np.abs(y).max() < 0.35


def test_load_stereo_averages_channels(tmp_path, sr):
    import soundfile as sf

    stereo = np.stack([np.full(sr, 0.5), np.full(sr, -0.1)], axis=1)
    sf.write(tmp_path / "stereo.wav", stereo, sr, subtype="FLOAT")
    y, _ = load_audio(tmp_path / "stereo.wav", sr=None)
    assert y.shape == (sr,)
    np.testing.assert_allclose(y, 0.2, atol=1e-6)
    y2, _ = load_audio(tmp_path / "stereo.wav", sr=None, mono=False)
    assert y2.shape == (2, sr)


def test_load_offset_and_duration(tmp_path, harmonic_note, sr):
    path = write_audio(tmp_path / "n.wav", harmonic_note, sr)
    y, _ = load_audio(path, sr=None, offset=0.25, duration=0.5)
    assert len(y) == sr // 2


def test_missing_file_raises(tmp_path):
    with pytest.raises(AudioFileError, match="does not exist"):
        load_audio(tmp_path / "nope.wav")


def test_corrupt_file_raises(tmp_path):
    bad = tmp_path / "corrupt.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    with pytest.raises(AudioFileError, match="could not decode"):
        load_audio(bad)


def test_corrupt_mp3_raises_without_decoder_noise(tmp_path, capfd):
    """libmpg123 printed "Illegal Audio-MPEG-Header ... Trying to resync" on the
    process's stderr before the clear AudioFileError."""
    rng = np.random.default_rng(0)
    bad = tmp_path / "corrupt.mp3"  # an MPEG frame header, then noise
    bad.write_bytes(b"\xff\xfb" + rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
    capfd.readouterr()
    with pytest.raises(AudioFileError, match="could not decode"):
        load_audio(bad)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_empty_file_raises(tmp_path, sr):
    import soundfile as sf

    sf.write(tmp_path / "empty.wav", np.zeros(0), sr)
    with pytest.raises(AudioFileError, match="no audio samples"):
        load_audio(tmp_path / "empty.wav")


def test_play(harmonic_note, sr):
    player = play(harmonic_note, sr)
    assert "<audio" in player._repr_html_() and "audio/mpeg" in player._repr_html_()
    assert "figcaption" not in player._repr_html_()
    html = play(harmonic_note, sr, caption="A4 <harmonic>")._repr_html_()
    assert "<figcaption>A4 &lt;harmonic&gt;</figcaption>" in html and "<audio" in html
    # the text a notebook shows without HTML: the caption, not "<... object>"
    assert repr(play(harmonic_note, sr, caption="A4")) == "[audio: A4]"
    assert repr(player) == "[audio]"
    wav = play(harmonic_note, sr, compress=False)
    assert len(player.data) < len(wav.data) / 3  # MP3 keeps notebooks small
    assert play(np.zeros(100, np.float32), sr, normalize=True).data
    with pytest.raises(ParameterError):
        play(np.zeros((2, 10), np.float32), sr)


def test_write_audio_is_atomic(tmp_path, harmonic_note, sr):
    path = write_audio(tmp_path / "sub" / "x.flac", harmonic_note, sr)
    assert path.exists()
    assert not list(path.parent.glob(".*.tmp"))


def test_harmonic_tone_sounds_at_its_midi_pitch(sr):
    y = harmonic_tone(69, 1.0)  # A4
    assert y.shape == (sr,) and y.dtype == np.float64
    spectrum = np.abs(np.fft.rfft(y))
    assert np.argmax(spectrum) == 440  # 1 Hz per bin: the fundamental, 440 Hz
    assert spectrum[880] == pytest.approx(spectrum[440] / 2, rel=0.05)  # 1/k
    # harmonics at or above Nyquist are left out
    high = harmonic_tone(108, amplitudes=[1, 1, 1, 1])  # C8 = 4186 Hz
    np.testing.assert_array_equal(high, harmonic_tone(108, amplitudes=[1, 1]))


def test_harmonic_tone_envelope_and_peak(sr):
    y = harmonic_tone(60, 0.5, attack=0.01, peak=0.3, decay=1.0)
    assert y.dtype == np.float32 and np.abs(y).max() == pytest.approx(0.3)
    assert np.abs(y[: int(0.002 * sr)]).max() < 0.1  # still fading in
    loud, soft = (np.abs(y[i : i + 2000]).max() for i in (int(0.02 * sr), 9000))
    assert soft < loud
    with pytest.raises(ParameterError, match="duration"):
        harmonic_tone(60, 0)
    with pytest.raises(ParameterError, match="sr"):
        harmonic_tone(60, sr=0)


def test_harmonic_tone_refuses_a_silent_tone_and_a_negative_pitch(sr):
    """``harmonic_tone(127)`` (12.5 kHz, above the Nyquist frequency) returned
    silence, and NaN with ``peak=``; ``midi=-5`` was accepted."""
    for call in (lambda: harmonic_tone(127), lambda: harmonic_tone(127, peak=0.5)):
        with pytest.raises(ParameterError, match="^midi=127") as info:
            call()
        assert "Nyquist" in str(info.value) and "midi <= 124" in str(info.value)
    assert np.abs(harmonic_tone(124)).max() > 0  # the highest that sounds
    assert np.abs(harmonic_tone(127, sr=44100)).max() > 0
    for bad in (-5, 128, float("nan"), "60"):
        with pytest.raises(ParameterError, match="^midi must be a MIDI pitch"):
            harmonic_tone(bad)
    with pytest.raises(ParameterError, match="silent"):
        harmonic_tone(60, 1 / sr, peak=0.5)  # one sample: sin(0) = 0, not NaN
    with pytest.raises(ParameterError, match="shorter than one sample"):
        harmonic_tone(60, 1e-6)
    with pytest.raises(ParameterError, match="^peak must"):
        harmonic_tone(60, peak=-1.0)
