"""Tests of helpers.datasets: determinism, recovery, splits, labels, loaders.

The builds here are tiny versions of the quick sets (every registered
dataset's quick size set to its ``sizes["tiny"]``), in a temporary data folder,
so that the whole file runs in about a minute.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from helpers.audio import load_audio
from helpers.config import HOP_LENGTH, SR
from helpers.datasets import (
    CHORD_CLASSES,
    DATASETS,
    AudioDataset,
    FeatureDataset,
    build,
    check_group_split,
    chord_index,
    chord_label,
    chord_segments,
    chord_targets,
    frames_to_segments,
    group_split,
    load_chorales,
    load_manifest,
    load_notes,
    load_styles,
    make_probes,
)
from helpers.datasets import notes as notes_module
from helpers.datasets import styles as styles_module
from helpers.datasets.cache import (
    Dataset,
    dataset_dir,
    item_rng,
    load_items,
    read_manifest,
    sha256_file,
    verify,
)
from helpers.errors import DatasetError, ParameterError
from helpers.render import soundfont_path

REPO = Path(__file__).resolve().parents[1]
#: What the ``tiny`` fixture does, for a build in another process.
TINY = (
    "from helpers.datasets import DATASETS\n"
    "for d in DATASETS.values():\n"
    "    if d.sizes: d.sizes[True] = d.sizes['tiny']\n"
)


def _shrink(setitem) -> None:
    """Every registered dataset at its tiny quick size: ``sizes[True] =
    sizes["tiny"]`` (a dataset without ``sizes`` follows its sources)."""
    for dataset in DATASETS.values():
        if dataset.sizes is not None:
            setitem(dataset.sizes, True, dataset.sizes["tiny"])


@pytest.fixture(scope="session")
def score_cache(tmp_path_factory):
    """One cache of parsed scores for every test (parsing is the slow part)."""
    return tmp_path_factory.mktemp("scores")


def _data_folder(path: Path, scores: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    if not (path / "_scores").exists():
        (path / "_scores").symlink_to(scores, target_is_directory=True)
    return str(path)


@pytest.fixture
def tiny(monkeypatch, tmp_path, score_cache):
    """A temporary data folder and tiny quick sizes."""
    monkeypatch.setenv("MIRDL_DATA", _data_folder(tmp_path / "data", score_cache))
    _shrink(monkeypatch.setitem)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def built(tmp_path_factory, score_cache):
    """One tiny quick build of every dataset, shared by the read-only tests."""
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("built")
    mp.setenv("MIRDL_DATA", _data_folder(root, score_cache))
    _shrink(mp.setitem)
    manifests = build(quick=True, progress=False, workers=1)
    yield manifests
    mp.undo()


def _checksums(manifest):
    return {item["path"]: item["sha256"] for item in manifest["items"]}


# ---------------------------------------------------------------- determinism


def test_same_seed_same_bytes(tiny, monkeypatch, tmp_path, score_cache):
    first = build(quick=True, progress=False, workers=1)
    monkeypatch.setenv("MIRDL_DATA", _data_folder(tmp_path / "again", score_cache))
    second = build(quick=True, progress=False, workers=1)
    for name in first:
        assert _checksums(first[name]) == _checksums(second[name]), name
        labels = [i.get("labels_sha256") for i in first[name]["items"]]
        assert labels == [i.get("labels_sha256") for i in second[name]["items"]]
    other = build("notes", quick=True, seed=1, progress=False, workers=1)["notes"]
    assert _checksums(other) != _checksums(first["notes"])


def test_rebuild_repairs_missing_and_corrupt_files(tiny):
    reference = build("chorales", quick=True, progress=False, workers=1)["chorales"]
    root = dataset_dir(DATASETS["chorales"], quick=True)
    items = reference["items"]
    (root / "manifest.json").unlink()  # as if killed before the end
    (root / items[0]["path"]).unlink()  # a missing file
    with open(root / items[1]["path"], "r+b") as f:  # a damaged file
        f.seek(200)
        f.write(b"\x00" * 64)
    (root / items[2]["labels_path"]).write_text("{")  # damaged labels
    (root / "audio" / ".stray.flac.123.tmp").write_bytes(b"half")
    repaired = build("chorales", quick=True, progress=False, workers=1)["chorales"]
    assert _checksums(repaired) == _checksums(reference)
    assert verify(root, repaired) == []
    assert not list(root.rglob("*.tmp"))


def test_killed_build_resumes_to_identical_checksums(tiny, monkeypatch, tmp_path):
    script = (
        f"{TINY}from helpers.datasets import build\n"
        "build('notes', quick=True, progress=False, workers=1)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=REPO)
    journal = dataset_dir(DATASETS["notes"], quick=True) / "journal.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if journal.is_file() and journal.read_text().count("\n") >= 20:
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the build finished before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    root = dataset_dir(DATASETS["notes"], quick=True)
    assert not (root / "manifest.json").exists()
    resumed = build("notes", quick=True, progress=False, workers=1)["notes"]
    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "clean"))  # notes parse nothing
    clean = build("notes", quick=True, progress=False, workers=1)["notes"]
    assert _checksums(resumed) == _checksums(clean)


def test_two_processes_building_one_folder_take_turns(tiny):
    """Two notebooks started together (a class, or two test workers) share a data
    folder: the second waits for the first's build, then finds it done; one
    process renders, both get the same intact dataset."""
    script = (
        f"{TINY}from helpers.datasets import build\n"
        "m = build('notes', quick=True, progress=False, workers=1)['notes']\n"
        "print(round(m['stats']['build_seconds'], 3))"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen([sys.executable, "-c", script], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [proc.communicate(timeout=300)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    # The waiter returns the first build's manifest, build time and all.
    assert outs[0] == outs[1]
    root = dataset_dir(DATASETS["notes"], quick=True)
    assert verify(root, read_manifest(root)) == []
    assert not list(root.rglob("*.tmp")) and not (root / "journal.jsonl").exists()


def _quiet_soundfont(path: Path) -> Path:
    """A second SoundFont, made offline: the shipped one with its samples halved."""
    data = bytearray(soundfont_path().read_bytes())
    start = data.find(b"smpl") + 8  # the 16-bit sample data chunk
    size = int.from_bytes(data[start - 4 : start], "little")
    samples = np.frombuffer(bytes(data[start : start + size]), dtype="<i2")
    data[start : start + size] = (samples // 2).astype("<i2").tobytes()
    path.write_bytes(bytes(data))
    return path


def test_another_soundfont_renders_into_its_own_cache(tiny, tmp_path):
    quiet = _quiet_soundfont(tmp_path / "Quiet.sf2")
    copy = shutil.copy(soundfont_path(), tmp_path / "Copy.sf2")
    default = build("notes", quick=True, progress=False, workers=1)["notes"]
    other = build("notes", quick=True, soundfont=quiet, progress=False, workers=1)
    other = other["notes"]
    assert default["soundfont"] == "TimGM6mb.sf2" and other["soundfont"] == "Quiet.sf2"
    assert other["key"]["soundfont_sha256"] == sha256_file(quiet)
    assert dataset_dir(DATASETS["notes"], quick=True, soundfont=quiet) != dataset_dir(
        DATASETS["notes"], quick=True
    )
    same = set(_checksums(other).items()) & set(_checksums(default).items())
    assert len(same) < len(other["items"]) / 20  # only silent notes stay the same
    # the SoundFont reached the synthesizer: the same notes, at half the level
    loud = load_notes("all", quick=True)[0]
    soft = load_notes("all", quick=True, soundfont=quiet)[0]
    assert soft["id"] == loud["id"] and soft["audio_path"] != loud["audio_path"]
    ratio = np.std(load_audio(soft["audio_path"])[0]) / np.std(
        load_audio(loud["audio_path"])[0]
    )
    assert 0.35 < ratio < 0.65
    # a byte-identical copy is the same SoundFont: same key, same cache
    assert dataset_dir(DATASETS["notes"], quick=True, soundfont=copy) == dataset_dir(
        DATASETS["notes"], quick=True
    )
    again = build("notes", quick=True, soundfont=copy, progress=False)["notes"]
    assert again["key"] == default["key"] and again["stats"] == default["stats"]
    with pytest.raises(ParameterError, match="soundfont"):
        build("notes", quick=True, soundfont=tmp_path / "missing.sf2")


# ---------------------------------------------------------------------- splits


def _check_no_leakage(manifests: dict) -> None:
    """Every registered dataset is built, and keeps each group (a piece, a tune,
    an instrument) and each source score on one side."""
    assert set(manifests) == set(DATASETS)
    for manifest in manifests.values():
        items = manifest["items"]
        splits = [i["split"] for i in items]
        check_group_split([i["group"] for i in items], splits)
        if all("source" in i for i in items):
            check_group_split([i["source"] for i in items], splits)


def test_no_piece_in_two_splits(built):
    """Every registered dataset, derived ones included, keeps each group and
    each source score on one side; and what each split must hold."""
    _check_no_leakage(built)
    for name in ("chorales", "styles", "tags"):
        assert {i["split"] for i in built[name]["items"]} == {"train", "valid", "test"}
    notes = built["notes"]["items"]
    check_group_split([i["program"] for i in notes], [i["split"] for i in notes])
    for family in {i["family"] for i in notes}:  # every family on every side
        assert {i["split"] for i in notes if i["family"] == family} == {
            "train",
            "valid",
            "test",
        }


def test_group_split_keeps_groups_whole_and_balanced():
    groups = [f"piece{k // 3}" for k in range(300)]
    splits = group_split(groups, seed=3)
    check_group_split(groups, splits)
    share = {s: splits.count(s) / len(splits) for s in set(splits)}
    assert abs(share["train"] - 0.7) < 0.05 and abs(share["test"] - 0.15) < 0.05
    assert splits == group_split(groups, seed=3)


def test_group_split_rejects_bad_arguments():
    with pytest.raises(ParameterError, match="sum to 1"):
        group_split(["a", "b", "c"], fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ParameterError, match="same length"):
        group_split(["a", "b"], fractions=(0.5, 0.5), names=("x",))
    with pytest.raises(ParameterError, match="distinct groups"):
        group_split(["a", "a", "b"])
    with pytest.raises(ParameterError, match="both split"):
        check_group_split(["a", "a"], ["train", "test"])


# ---------------------------------------------------------- labels, verified


def test_note_pitch_matches_label(built):
    import librosa

    items = [i for i in load_notes("all", quick=True) if i["pitched"]][::2]
    hits = 0
    for item in items:
        y, sr = load_audio(item["audio_path"])
        chroma = librosa.feature.chroma_cqt(y=y[: int(0.7 * sr)], sr=sr)
        hits += int(np.argmax(chroma.mean(axis=1))) == item["pitch"] % 12
    assert hits / len(items) > 0.85  # pitch class; chance is 1/12
    exact = 0
    subset = items[:: max(1, len(items) // 8)][:8]
    for item in subset:
        y, sr = load_audio(item["audio_path"])
        f0, voiced, _ = librosa.pyin(y[: int(0.5 * sr)], fmin=25, fmax=4200, sr=sr)
        if voiced.any():
            est = librosa.hz_to_midi(np.nanmedian(f0[voiced]))
            exact += abs(est - item["pitch"]) < 0.6
    assert exact / len(subset) >= 0.75  # absolute pitch, octave included


def test_chorale_chroma_agrees_with_chord_labels(built):
    import librosa

    templates = np.zeros((24, 12))
    for r in range(12):
        templates[r, [r, (r + 4) % 12, (r + 7) % 12]] = 1
        templates[12 + r, [r, (r + 3) % 12, (r + 7) % 12]] = 1
    hits = total = 0
    for item in load_chorales("all", quick=True)[:4]:
        y, sr = load_audio(item["audio_path"])
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr)
        target = chord_targets(item["chords"], chroma.shape[1])
        guess = np.argmax(templates @ chroma, axis=0)
        known = target < 24
        hits += int(np.sum(guess[known] == target[known]))
        total += int(known.sum())
    assert total > 500
    assert hits / total > 0.5  # chance is about 1/24


def test_chorale_labels_are_consistent(built):
    for item in load_chorales("all", quick=True):
        assert item["key"].split()[1] in ("major", "minor")
        beats, downbeats = np.array(item["beats"]), np.array(item["downbeats"])
        assert len(beats) > 8 and set(downbeats) <= set(beats)
        period = np.median(np.diff(beats))
        assert abs(period - 60 / item["tempo"]) < 1e-3  # quarter-note beats
        assert item["chords"][-1][1] <= item["seconds"]
        assert all(0 <= n[2] <= 127 for n in item["notes"])


def test_chord_labels_from_pitch_sets():
    assert chord_label([48, 52, 55]) == "C:maj"
    assert chord_label([57, 60, 64]) == "A:min"
    assert chord_label([48, 52, 55, 58]) == "C:maj"  # C7 reduces to C:maj
    assert chord_label([57, 60, 64, 67]) == "A:min"  # Am7, not C6
    assert chord_label([43, 55, 59]) == "G:maj"  # fifth omitted, root in bass
    assert chord_label([59, 62, 65]) == "X"  # diminished
    assert chord_label([]) == "N"
    segs = chord_segments([(60, 0, 1), (64, 0, 1), (67, 0, 2), (71, 1, 2), (62, 1, 2)])
    assert segs == [[0, 1, "C:maj"], [1, 2, "G:maj"]]
    y = chord_targets([[0.0, 1.0, "C:maj"], [1.0, 2.0, "A:min"]], 100)
    assert y[0] == 0 and y[60] == chord_index("A:min") == 21 and y[99] == 24
    assert len(CHORD_CLASSES) == 25
    with pytest.raises(ParameterError, match="unknown root"):
        chord_index("H:maj")
    with pytest.raises(ParameterError, match="n_frames"):
        chord_targets([], -1)


def test_frames_to_segments():
    frame = HOP_LENGTH / SR
    intervals, labels = frames_to_segments([0, 0, 1, 1, 1, 0], names=["N", "C:maj"])
    # frame t is centred at t * frame: runs end half a frame after their last one
    np.testing.assert_allclose(intervals / frame, [[0, 1.5], [1.5, 4.5], [4.5, 5.5]])
    assert labels == ["N", "C:maj", "N"]
    _, labels = frames_to_segments(np.array([3, 3]), hop_length=10, sr=100)
    assert labels == ["3"]


def test_frames_to_segments_rejects_bad_input():
    with pytest.raises(ParameterError, match="1-D"):
        frames_to_segments(np.zeros((2, 2), dtype=int))
    with pytest.raises(ParameterError, match="integer"):
        frames_to_segments(np.array([0.5, 1.0]))
    with pytest.raises(ParameterError, match="names"):
        frames_to_segments([0, 2], names=["N", "C:maj"])
    with pytest.raises(ParameterError, match="hop_length"):
        frames_to_segments([0, 1], hop_length=0)


@pytest.mark.parametrize(("hop_length", "sr"), [(HOP_LENGTH, SR), (256, 16000)])
def test_frames_to_segments_to_frames_is_exact(hop_length, sr):
    rng = np.random.default_rng(0)
    ids = np.repeat(rng.integers(0, 25, size=60), rng.integers(1, 9, size=60))
    intervals, labels = frames_to_segments(
        ids, hop_length=hop_length, sr=sr, names=CHORD_CLASSES
    )
    segments = [[a, b, label] for (a, b), label in zip(intervals, labels, strict=True)]
    back = chord_targets(segments, len(ids), hop_length=hop_length, sr=sr)
    np.testing.assert_array_equal(back, ids)


def test_segments_to_frames_to_segments_keeps_boundaries_within_half_a_frame():
    rng = np.random.default_rng(1)
    frame = HOP_LENGTH / SR
    bounds = np.r_[0, np.cumsum(rng.uniform(2, 100, size=40))] * frame  # >= 2 frames
    n_frames = int(round(bounds[-1] / frame + 0.5))
    bounds[-1] = (n_frames - 0.5) * frame  # the span that n_frames frames stand for
    ids = np.arange(len(bounds) - 1) % 24  # neighbours differ, all major/minor
    segments = [
        [a, b, CHORD_CLASSES[k]]
        for a, b, k in zip(bounds[:-1], bounds[1:], ids, strict=True)
    ]
    intervals, labels = frames_to_segments(
        chord_targets(segments, n_frames), names=CHORD_CLASSES
    )
    assert labels == [label for _, _, label in segments]
    got = np.r_[intervals[:, 0], intervals[-1, 1]]
    assert np.max(np.abs(got - bounds)) <= frame / 2 + 1e-9


# -------------------------------------------------------------- loading


def test_loaders_return_items_with_audio(built):
    train = load_notes("train", quick=True)
    assert train and all(Path(i["audio_path"]).is_file() for i in train)
    assert {i["split_note"] for i in load_notes("all", by="note", quick=True)} >= {
        "train"
    }
    styles = load_styles("all", quick=True)
    assert {i["style"] for i in styles} == set(styles_module.STYLE_CLASSES)
    y, sr = load_audio(styles[0]["audio_path"])
    assert sr == 22050 and abs(len(y) / sr - 6.0) < 0.01


def test_first_load_builds_and_missing_cache_can_refuse(tiny):
    with pytest.raises(DatasetError, match="python -m helpers.datasets build"):
        load_manifest("notes", quick=True, build_missing=False)
    items = load_notes("test", quick=True)  # builds on first use
    assert items and all(i["split"] == "test" for i in items)
    manifest = load_manifest("notes", quick=True, build_missing=False)
    assert manifest["stats"]["items"] == 80 * DATASETS["notes"].sizes["tiny"]


def test_loaders_reject_bad_arguments(tiny):
    with pytest.raises(ParameterError, match="split must be"):
        load_notes("training")
    with pytest.raises(ParameterError, match="by must be"):
        load_notes("train", by="pitch")
    with pytest.raises(ParameterError, match="name must be"):
        build("gtzan")
    with pytest.raises(ParameterError, match="quick must be"):
        build("notes", quick="yes")
    with pytest.raises(ParameterError, match="seed must be"):
        build("notes", quick=True, seed=-1)


def test_feature_dataset_caches_and_stacks(built):
    train = load_notes("train", quick=True)
    ds = FeatureDataset(train, feature="log_mel", target="family")
    X, y = ds[0]
    assert X.ndim == 2 and X.shape[0] == 128 and y.dtype.is_floating_point is False
    assert ds.cache_path(0).is_file()
    Xs, ys = ds.tensors("cpu")
    assert Xs.shape[0] == len(train) == ys.shape[0]
    assert set(ys.tolist()) <= set(range(len(ds.classes)))
    test = FeatureDataset(
        load_notes("test", quick=True), target="family", classes=ds.classes
    )
    assert test.classes == ds.classes
    audio = AudioDataset(train, target="family")
    x, label = audio[0]
    assert x.shape == (22050,) and int(label) == ys[0]


def test_feature_dataset_chord_targets(built):
    items = load_chorales("train", quick=True)[:1]
    ds = FeatureDataset(items, feature="chroma", target="chords")
    X, y = ds[0]
    assert X.shape[0] == 12 and y.shape == (X.shape[1],)
    assert 0 < int((y < 24).sum())
    with pytest.raises(ParameterError, match="one shape"):
        FeatureDataset(load_chorales("all", quick=True)[:2], target="chords").tensors()
    with pytest.raises(ParameterError, match="feature must be"):
        FeatureDataset(items, feature="wavelet", target="chords")
    with pytest.raises(ParameterError, match="target must be"):
        FeatureDataset(items, target="genre")


def test_feature_cache_follows_the_audio_checksum(tmp_path, monkeypatch, sr):
    import soundfile as sf

    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "data"))
    path = tmp_path / "a.wav"
    t = np.arange(sr) / sr

    def write(freq):
        sf.write(path, 0.3 * np.sin(2 * np.pi * freq * t), sr)
        return {"id": "a", "audio_path": str(path), "sha256": sha256_file(path)}

    def pitch_class(item):
        dataset = FeatureDataset([item], feature="chroma", target="id")
        assert dataset.cache_path(0).name == sha256_file(path) + ".npy"
        return int(dataset.features(0).mean(axis=1).argmax())

    first = write(440.0)  # A
    assert pitch_class(first) == 9
    second = write(523.25)  # C: the same id and path, new audio and checksum
    assert second["sha256"] != first["sha256"]
    assert pitch_class(second) == 0
    assert pitch_class(write(440.0)) == 9  # the first features, from the cache
    # an item without a checksum (AudioFolder, GTZAN) is hashed when read
    write(523.25)
    assert pitch_class({"id": "a", "audio_path": str(path)}) == 0


def test_feature_cache_follows_defaults_code_and_library_versions(tmp_path,
                                                                  monkeypatch, sr):
    """The cache was keyed by the audio's hash, the sample rate and the keywords
    passed: a changed default in helpers.config, feature code or librosa served
    stale features."""
    import librosa
    import soundfile as sf

    from helpers import features
    from helpers.datasets import feature_dataset

    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "data"))
    path = tmp_path / "a.wav"
    sf.write(path, 0.3 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr), sr)
    item = {"id": "a", "audio_path": str(path), "sha256": sha256_file(path)}

    def bands():
        dataset = FeatureDataset([item], feature="log_mel", target="id")
        return dataset.features(0).shape[0], dataset.folder

    first, folder = bands()
    assert first == 128
    # helpers.config's N_MELS edited (and the package reloaded): a new default
    monkeypatch.setitem(features.log_mel.__kwdefaults__, "n_mels", 64)
    assert bands()[0] == 64
    monkeypatch.setitem(features.log_mel.__kwdefaults__, "n_mels", 128)
    assert bands() == (128, folder)  # back to the first: cached
    key = json.loads((folder / "key.json").read_text())  # what the name hashes
    assert key["settings"]["n_mels"] == 128 and key["librosa"] == librosa.__version__
    for change in (lambda: monkeypatch.setattr(librosa, "__version__", "0.99"),
                   lambda: monkeypatch.setattr(feature_dataset,
                                               "FEATURE_CACHE_VERSION", 99)):
        change()
        assert bands()[1] != folder
    with pytest.raises(ParameterError, match="'chroma' takes no n_mels"):
        FeatureDataset([item], feature="chroma", target="id", n_mels=64)


def test_a_manifest_without_a_key_is_rebuilt_or_refused(tiny, monkeypatch):
    """``load_manifest`` raised KeyError on a manifest without "key"."""
    monkeypatch.setitem(notes_module._SIZES, True, 1)  # 80 notes, rendered twice
    manifest = load_manifest("notes", quick=True)
    path = Path(manifest["root"]) / "manifest.json"
    path.write_text(json.dumps({"name": "notes", "items": manifest["items"]}))
    with pytest.raises(DatasetError, match="not built or incomplete"):
        load_manifest("notes", quick=True, build_missing=False)
    again = load_manifest("notes", quick=True)
    assert again["key"] == manifest["key"] and again["items"] == manifest["items"]


def test_audio_dataset_refuses_frame_targets():
    """``AudioDataset(target="chords")`` raised a TypeError when read."""
    items = [{"id": "a", "audio_path": "a.wav", "chords": [[0.0, 1.0, "C:maj"]]}]
    with pytest.raises(ParameterError, match="use FeatureDataset"):
        AudioDataset(items, target="chords")
    with pytest.raises(ParameterError, match="^sr must"):
        AudioDataset(items, target="id", sr=0)


def test_styles_keep_pieces_long_enough_at_the_fastest_tempo():
    """The check used the fastest tempo where the comment said the slowest."""
    fastest = max(styles_module._TEMPI)
    needed = 1.5 * styles_module.CLIP_SECONDS * fastest / 60  # quarter notes
    assert styles_module._long_enough({"end_ql": needed})
    assert not styles_module._long_enough({"end_ql": needed - 0.25})


def test_every_dataset_is_registered_once_with_its_sources_first():
    """One protocol, one registry: a derived dataset comes after its sources,
    and the table of datasets in docs/datasets.md lists every registered name."""
    readme = (REPO / "docs" / "datasets.md").read_text()
    table = readme.split("| dataset | task (notebook) |")[1].split("\n\n")[0]
    names = list(DATASETS)
    for name, dataset in DATASETS.items():
        assert dataset.name == name and isinstance(dataset.version, int)
        assert callable(dataset.plan)
        assert dataset.render is None or callable(dataset.render)
        assert all(names.index(s.name) < names.index(name) for s in dataset.sources)
        assert dataset.render is not None or len(dataset.sources) == 1
        assert f"| `{name}` |" in table


def _plan_beeps(quick: bool, seed: int, *, leaky: bool = False):
    """Beeps, two per tune, split by tune (``leaky``: split by beep, wrongly)."""
    n = BEEPS.sizes[bool(quick)]
    groups = [f"tune{k // 2}" for k in range(n)]
    splits = group_split(groups, seed=seed)
    if leaky:
        splits = [("train", "test")[k % 2] for k in range(n)]
    items = [{"id": f"beep{k:02d}", "group": g, "split": split, "seconds": 0.25,
              "hz": float(220 * 2 ** item_rng(seed, "beeps", k).integers(12) / 12)}
             for k, (g, split) in enumerate(zip(groups, splits, strict=True))]
    return items, {"classes": sorted(set(groups))}


def _render_beep(item: dict, seed: int, soundfont: str) -> np.ndarray:
    return 0.3 * np.sin(2 * np.pi * item["hz"] * np.arange(SR // 4) / SR)


#: A dataset's module, in a few lines: a plan, a render, its sizes.
BEEPS = Dataset("beeps", 1, _plan_beeps, _render_beep,
                sizes={True: 12, False: 24, "tiny": 6})


def test_a_dataset_registered_in_one_line_is_built_checked_listed_and_loaded(
        built, monkeypatch, capsys):
    """Adding a dataset takes its module, one registry line and a row of the
    table in docs/datasets.md (checked above): the tests' tiny size, the build,
    the checksums, the leakage test, the command line and loading by name all
    follow from the registry, with nothing re-exported or patched by hand."""
    from helpers.datasets.__main__ import main

    monkeypatch.setitem(DATASETS, "beeps", BEEPS)  # the registry line
    _shrink(monkeypatch.setitem)  # what the fixtures do: beeps at its tiny size
    manifests = build(quick=True, progress=False, workers=1)  # the others: checked
    beeps = manifests["beeps"]
    assert len(beeps["items"]) == 6 and beeps["info"]["classes"] == [
        "tune0", "tune1", "tune2"]
    assert verify(dataset_dir(BEEPS, quick=True), beeps) == []
    _check_no_leakage(manifests)
    assert main(["build", "--quick", "--only", "beeps", "--no-progress"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["beeps", "6", "0.00", "3"] in [row[:4] for row in rows]
    test = load_items(DATASETS["beeps"], split="test", quick=True)
    assert test and {i["split"] for i in test} == {"test"}
    y, sr = load_audio(test[0]["audio_path"])
    assert sr == SR and len(y) == SR // 4
    assert load_manifest("beeps", quick=True)["items"] == beeps["items"]

    # and the leakage test catches a dataset whose split is not by group
    leaky = Dataset("leaky", 1, lambda quick, seed: _plan_beeps(quick, seed,
                                                                leaky=True),
                    _render_beep, sizes=BEEPS.sizes)
    monkeypatch.setitem(DATASETS, "leaky", leaky)
    manifests |= build("leaky", quick=True, progress=False, workers=1)
    with pytest.raises(ParameterError, match="both split"):
        _check_no_leakage(manifests)


def test_cli_prints_a_table(tiny, capsys):
    from helpers.datasets.__main__ import main

    assert main(["build", "--quick", "--only", "notes", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "items" in out and "hours" in out and "size MB" in out
    items = str(80 * DATASETS["notes"].sizes["tiny"])  # 80 programs
    assert any(line.startswith("notes") and items in line for line in out.splitlines())
    assert main(["build", "--quick", "--only", "nope", "--no-progress"]) == 1


def test_manifest_is_json_with_checksums(built):
    root = dataset_dir(DATASETS["styles"], quick=True)
    manifest = json.loads((root / "manifest.json").read_text())
    assert all(len(i["sha256"]) == 64 for i in manifest["items"])
    assert manifest["key"]["seed"] == 0 and manifest["info"]["classes"]
    assert manifest["key"]["soundfont_sha256"] == sha256_file(soundfont_path())


# --------------------------------------------------------------------- probes


def test_probes_are_deterministic_and_labelled():
    a = make_probes("tones", n=8)
    assert a["audio"].shape == (8, 22050) and a["audio"].dtype == np.float32
    assert np.array_equal(a["audio"], make_probes("tones", n=8)["audio"])
    tri = make_probes("triads", n=8, duration=0.5)
    assert set(tri["y"]) <= {0, 1, 2, 3} and tri["classes"][0] == "maj"
    clicks = make_probes("clicks", n=4)
    assert len(clicks["onsets"]) == 4 and all(len(o) >= 1 for o in clicks["onsets"])
    assert np.max(np.abs(a["audio"])) <= 1.0
    with pytest.raises(ParameterError, match="kind must be"):
        make_probes("noise")
    with pytest.raises(ParameterError, match="n must be"):
        make_probes("tones", n=0)


def test_headless_build_prints_one_line(tiny, monkeypatch, capsys):
    """A headless notebook run gets one line per build, not a frozen bar."""
    monkeypatch.setenv("MIRDL_STATIC", "1")
    build("notes", quick=True, workers=1)
    out = capsys.readouterr()
    assert re.fullmatch(r"notes \(quick\): built (\d+) of \1 items in \d+ s\n", out.out)
    assert "%|" not in out.err  # no tqdm bar
    build("notes", quick=True, workers=1)  # nothing to build: nothing shown
    out = capsys.readouterr()
    assert out.out == "" and "%|" not in out.err
