"""The classifier against real parts: jieba itself, scikit-learn itself, the real corpus and dictionary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from engine.classifier.build import default_segmenter, train_model
from engine.classifier.corpus import Labelled, groups, read_labelled
from engine.classifier.features import HEAD_CHARS, TAIL_CHARS, excerpt, text_terms
from engine.classifier.heads import fit_linear
from engine.classifier.model import Model, ModelError, load_model
from engine.classifier.segment import Segmenter, SegmenterError
from engine.classifier.vectors import Block, identity, matrix
from engine.facts.derive import derive_facts
from engine.paths import PROJECT_ROOT
from engine.suggest import Suggester
from tests.conftest import TRAINING, make_doc

DATA = PROJECT_ROOT / "data"
CORPORA = [TRAINING, DATA / "holdout" / "records.jsonl", DATA / "samples" / "closures.jsonl",
           DATA / "published" / "records.jsonl"]


def _texts() -> list[str]:
    texts = []
    for path in CORPORA:
        if path.exists():  # the published set may not be built in an older checkout
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                texts += [record.get("title") or "", record.get("body") or ""]
    return texts


@pytest.fixture(scope="module")
def segmenters() -> tuple[Segmenter, Segmenter]:
    return default_segmenter("rjieba"), default_segmenter("jieba")


@pytest.mark.slow  # every corpus through both segmenters
def test_rjieba_gives_jiebas_tokens_on_every_corpus(segmenters: tuple[Segmenter, Segmenter]) -> None:
    fast, reference = segmenters
    texts = _texts()
    assert len(texts) > 1000
    differing = [t[:40] for t in texts if fast.tokens(t) != reference.tokens(t)]
    assert differing == []


def test_user_dictionary_keeps_official_words_whole(segmenters: tuple[Segmenter, Segmenter]) -> None:
    for segmenter in segmenters:
        tokens = segmenter.tokens("依据政府信息公开条例，该会议纪要属于过程性信息，密级为工作秘密")
        for word in ("政府信息公开条例", "会议纪要", "过程性信息", "工作秘密"):
            assert word in tokens, (segmenter.backend, tokens)


def test_places_are_masked_before_segmentation(segmenters: tuple[Segmenter, Segmenter]) -> None:
    tokens = segmenters[0].tokens("江州市临江区滨河街道办事处关于江州日报的通知")
    assert not any("江州" in t or "临江" in t or "滨河" in t for t in tokens)
    assert "某市" in "".join(tokens) and "某区" in "".join(tokens)


def test_bad_dictionary_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "userdict.txt"
    bad.write_text("会议纪要 100 n\n过程性信息 n\n", encoding="utf-8")
    with pytest.raises(SegmenterError, match=r"userdict.txt:2: expected 'word frequency tag'"):
        Segmenter(bad)


def test_huge_bodies_are_read_head_and_tail() -> None:
    body = "甲" * 5_000_000 + "此件公开发布"
    kept = excerpt(body)
    assert len(kept) == HEAD_CHARS + TAIL_CHARS + 1 and kept.endswith("此件公开发布")


def test_fast_vectors_equal_scikit_learns(segmenters: tuple[Segmenter, Segmenter]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    records = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines()[:120]]
    docs = [text_terms(segmenters[0], r["title"], r["body"]) for r in records]
    block = Block.fit(docs, min_df=2, use_idf=True)
    ours = matrix([block], [(d,) for d in docs]).toarray()
    vectorizer = TfidfVectorizer(analyzer=identity, min_df=2, sublinear_tf=True, lowercase=False, dtype=np.float32)
    theirs = vectorizer.fit_transform(docs).toarray()
    column = {term: i for i, term in enumerate(vectorizer.get_feature_names_out())}
    assert sorted(block.terms) == sorted(column)
    np.testing.assert_allclose(ours, theirs[:, [column[t] for t in block.terms]], rtol=1e-5, atol=1e-6)
    assert block.idf is not None and np.all(np.diff(block.idf) >= 0)  # most frequent terms first


def test_head_probabilities_equal_logistic_regression() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.random((60, 12)).astype(np.float32)
    for classes in (["a", "b"], ["a", "b", "c"]):
        y = [classes[i % len(classes)] for i in range(60)]
        head = fit_linear(X, y, C=2.0, seed=0)
        sk = LogisticRegression(C=2.0, class_weight="balanced", max_iter=5000, random_state=0).fit(X, y)
        ours = np.array([head.proba(np.arange(12), row) for row in X])
        np.testing.assert_allclose(ours, sk.predict_proba(X), rtol=1e-4, atol=1e-5)


@pytest.mark.slow  # trains a second model
def test_training_is_deterministic_and_the_saved_model_round_trips(tmp_path: Path, model: Model,
                                                                   model_dir: Path) -> None:
    again, _ = train_model([TRAINING], suggester=Suggester.from_directory(PROJECT_ROOT / "rules", "reference"),
                           folds=0)
    for name, head in model.heads.items():
        assert head.classes == again.heads[name].classes
        np.testing.assert_array_equal(head.coef, again.heads[name].coef)
        assert head.temperature == again.heads[name].temperature
    again.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    facts = derive_facts(make_doc(title="关于印发某市城市管理办法的通知", body="各区人民政府：现将办法印发给你们。（此件公开发布）"))
    assert loaded.predict(facts).fields == again.predict(facts).fields == model.predict(facts).fields
    assert loaded.model_id == again.model_id
    assert not any(p.suffix == ".pkl" for p in model_dir.iterdir())  # no pickle on disk


def test_metadata_describes_the_training(model: Model) -> None:
    meta = model.metadata
    assert meta["training_data"]["records"] == 440
    assert meta["training_data"]["files"][0]["sha256"] == __import__("hashlib").sha256(TRAINING.read_bytes()).hexdigest()
    assert meta["labels"]["category"] == ["not_government_info", "on_request", "proactive", "withheld"]
    assert "null" not in meta["labels"]["exemption"] and "null" not in meta["labels"]["column"]
    assert set(meta["libraries"]) >= {"jieba", "rjieba", "scikit-learn", "numpy", "scipy"}
    assert meta["seed"] == 0 and meta["training_seconds"] > 0 and meta["model_id"]


def _copy(model_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(model_dir, target)
    return target


def _edit_metadata(directory: Path, edit) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
    edit(meta)
    (directory / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")


def test_loading_refuses_other_library_versions(model_dir: Path, tmp_path: Path) -> None:
    directory = _copy(model_dir, tmp_path)
    _edit_metadata(directory, lambda m: m["libraries"].update({"scikit-learn": "0.24.2"}))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2 \(now .*\).*gongkai train"):
        load_model(directory)


def test_loading_refuses_a_changed_dictionary_and_damaged_files(model_dir: Path, tmp_path: Path) -> None:
    directory = _copy(model_dir, tmp_path)
    _edit_metadata(directory, lambda m: m["segmenter"].update({"userdict_sha256": "0" * 64}))
    with pytest.raises(ModelError, match="userdict.txt has changed since the model was trained"):
        load_model(directory)
    with pytest.raises(ModelError, match="no model in"):
        load_model(tmp_path / "nowhere")
    damaged = _copy(model_dir, tmp_path / "d")
    (damaged / "model.npz").write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="model.npz: unreadable"):
        load_model(damaged)


def test_near_duplicates_share_a_cross_validation_group() -> None:
    body = "为进一步做好城市生活垃圾分类工作，现将有关事项通知如下。一、明确分类标准。二、落实属地责任。" * 3
    records = [Labelled({"id": i, "title": t, "body": b}, make_doc(id=i, title=t, body=b), {}, "f", n)
               for n, (i, t, b) in enumerate([
        ("x1", "关于做好2023年垃圾分类工作的通知", body),
        ("x2", "关于做好2024年垃圾分类工作的通知", body.replace("进一步", "切实")),
        ("x3", "关于召开安全生产会议的通知", "定于下周召开全市安全生产工作会议，请各单位主要负责人参加。"),
        ("x4", "关于召开安全生产会议的通知！", "会议改期。"),
    ])]
    names = groups(records, {})
    assert names[0] == names[1] != names[2]
    assert names[2] == names[3]  # equal titles once punctuation is gone


def test_unusable_training_lines_are_reported_by_line(tmp_path: Path) -> None:
    lines = TRAINING.read_text(encoding="utf-8").splitlines()[:30]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join(lines[:10]).encode() + b"\n\xff\xfe broken\n{\"title\": \"no labels\"}\n"
                     + "\n".join(lines[10:]).encode())
    records, problems = read_labelled([path])
    assert len(records) == 30
    assert [(p.line, "UTF-8" in p.error or "labels" in p.error) for p in problems] == [(11, True), (12, True)]


@pytest.mark.slow
def test_cross_validated_quality_of_the_model_alone_and_combined() -> None:
    """Floors, not hard-coded figures: grouped 3-fold CV on the real corpus (the full run, 5 folds,
    prints per-class figures in `gongkai train`)."""
    model, _ = train_model([TRAINING], suggester=Suggester.from_directory(PROJECT_ROOT / "rules", "reference"),
                           folds=3)
    cv = model.metadata["metrics"]["cross_validation"]
    assert cv["model"]["category"]["macro_f1"] >= 0.85
    assert cv["model"]["column"]["macro_f1"] >= 0.6
    assert cv["model"]["secrecy_flag"]["recall"] >= 0.95
    assert all(c["ece"] <= 0.1 for c in cv["calibration"].values())  # probabilities mean what they say
    assert cv["combined"]["violations"] == {"secret_suggested_proactive": 0, "withheld_suggested_proactive": 0}
    assert cv["combined"]["category"]["macro_f1"] >= cv["model"]["category"]["macro_f1"]


def test_the_models_stacked_heads_give_each_heads_own_probabilities(model: Model) -> None:
    """predict_terms gathers all four heads' weights at once; each must equal its Head alone."""
    from engine.classifier.vectors import stack

    facts = derive_facts(make_doc(title="关于印发某市城市管理办法的通知", body="各区人民政府：现将办法印发给你们，请认真贯彻执行。"))
    terms = model.terms(facts)
    idx, vals = stack(model.blocks, (terms.text, terms.meta))
    prediction = model.predict_terms(terms)
    for name, head in model.heads.items():
        np.testing.assert_allclose(prediction.fields[name].probabilities, head.proba(idx, vals), rtol=1e-5)
