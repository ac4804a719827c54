"""helpers.datasets.tags: exact tags per segment, split by piece, cached and checked."""

import json

import numpy as np
import pytest

from helpers.datasets import TAGS, load_manifest, load_styles, load_tags, tag_matrix
from helpers.datasets import styles as styles_module
from helpers.datasets import tags as tags_module
from helpers.datasets.cache import dataset_dir, sha256_file
from helpers.errors import ParameterError
from helpers.render import GM_FAMILIES


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """A temporary data folder with a tiny quick ``styles`` build (silent audio:
    the tags come from the scores, so the sound does not matter here)."""
    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "data"))
    monkeypatch.setitem(styles_module._SIZES, True, (1, 1))  # 4 clips, in-process
    monkeypatch.setattr(styles_module.DATASET, "render",
                        lambda item, seed, font: np.zeros(int(6 * 22050)))
    return tmp_path / "data"


def test_segment_tags_are_exact_for_a_hand_made_score(monkeypatch):
    # one quarter note a second; a piano note at 0-1 s, a violin note at 4-5 s
    score = {"parts": [[[60, 0.0, 1.0]], [[64, 4.0, 1.0]]]}
    monkeypatch.setattr(tags_module, "load_score", lambda source: score)
    item = {"source": "x", "tempo": 60.0, "start_ql": 0.0, "programs": [0, 40]}
    assert tags_module.segment_tags(item, 0) == ["piano", "slow", "solo"]
    assert tags_module.segment_tags(item, 1) == ["slow"]
    assert tags_module.segment_tags(item, 2) == ["strings", "slow", "solo"]
    fast = {**item, "tempo": 120.0}  # the violin note at 2-2.5 s
    assert tags_module.segment_tags(fast, 0) == ["piano", "fast", "solo"]
    assert tags_module.segment_tags(fast, 1) == ["strings", "fast", "solo"]
    late = {**item, "tempo": 100.0, "start_ql": 2.0}  # the violin at 1.2-1.8 s
    assert tags_module.segment_tags(late, 0) == ["strings", "solo"]
    assert tags_module.segment_tags(late, 2) == []


def test_tags_follow_the_clips_programs_tempo_and_split(tiny):
    items = load_tags("all", quick=True)
    clips = {c["id"]: c for c in load_styles("all", quick=True)}
    assert len(items) == 3 * len(clips)
    for item in items:
        clip = clips[item["id"].rsplit("-s", 1)[0]]
        assert item["split"] == clip["split"] and item["group"] == clip["group"]
        assert item["offset"] == 2.0 * item["segment"]
        families = {GM_FAMILIES[p // 8] for p in clip["programs"]}
        assert set(item["tags"]) - {"slow", "fast", "solo"} <= families
        assert ("slow" in item["tags"]) == (clip["tempo"] <= 80)
        assert ("fast" in item["tags"]) == (clip["tempo"] >= 110)
    assert any(len(item["tags"]) > 1 for item in items)  # several tags per segment
    by_split = {s: {i["group"] for i in load_tags(s, quick=True)}
                for s in ("train", "valid", "test")}
    assert not (by_split["train"] & (by_split["valid"] | by_split["test"]))


def test_tag_matrix_is_multi_hot_in_tag_order():
    items = [{"tags": ["piano", "fast"]}, {"tags": []}, {"tags": list(TAGS)}]
    Y = tag_matrix(items)
    assert Y.shape == (3, len(TAGS)) and Y.dtype == np.float32
    assert Y[0, TAGS.index("piano")] == Y[0, TAGS.index("fast")] == 1 == Y[0].sum() - 1
    assert Y[1].sum() == 0 and Y[2].sum() == len(TAGS)


def test_cache_is_built_once_checked_and_repaired(tiny, monkeypatch):
    """``tags`` is a derived dataset of the one protocol: its manifest, keyed by
    the ``styles`` build it reads, holds the tags and points at styles' audio."""
    first = load_tags("all", quick=True)
    root = dataset_dir(tags_module.DATASET, quick=True)
    path = root / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["audio_from"] == "styles"
    styles = load_manifest("styles", quick=True)
    assert {i["sha256"] for i in manifest["items"]} == {
        i["sha256"] for i in styles["items"]}
    assert all(i["audio_path"].startswith(styles["root"]) for i in first)
    stamp = path.stat().st_mtime_ns
    assert load_tags("all", quick=True) == first
    assert path.stat().st_mtime_ns == stamp  # not rebuilt
    path.write_text("{}")  # damaged: rebuilt, the same
    assert load_tags("all", quick=True) == first
    assert json.loads(path.read_text())["key"] == manifest["key"]
    # another styles build (a new version): the tags follow it
    monkeypatch.setattr(styles_module.DATASET, "version", 99)
    load_tags("all", quick=True)
    key = json.loads(path.read_text())["key"]
    assert key["sources"]["styles"] != manifest["key"]["sources"]["styles"]


def test_building_tags_leaves_the_styles_cache_alone(tiny):
    load_styles("all", quick=True)
    styles_root = dataset_dir(styles_module.DATASET, quick=True)
    before = {p: sha256_file(p) for p in styles_root.rglob("*") if p.is_file()}
    load_tags("all", quick=True)
    after = {p: sha256_file(p) for p in styles_root.rglob("*") if p.is_file()}
    assert before == after
    assert sorted(p.name for p in tiny.iterdir() if not p.name.startswith("_")) == [
        "styles", "tags"]


def test_load_tags_rejects_a_bad_split(tiny):
    with pytest.raises(ParameterError, match="split"):
        load_tags("training", quick=True)
