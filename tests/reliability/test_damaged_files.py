"""Damaged files kerasgan reads back: a snapshot given to generate, a cached classifier."""

import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.metrics import classifier as classifier_module
from kerasgan.metrics.reference_data import ReferenceData


@pytest.fixture(scope="module")
def good_snapshot(tmp_path_factory):
    from kerasgan.models.dcgan import dcgan_generator

    path = tmp_path_factory.mktemp("snapshots") / "generator-000001.keras"
    dcgan_generator((28, 28, 1), 4, 4).save(path)
    return path


@pytest.mark.parametrize("how", ["text", "cut short", "one byte flipped"])
def test_generate_says_a_damaged_snapshot_is_damaged(tmp_path, capsys, good_snapshot, how):
    data = good_snapshot.read_bytes()
    middle = len(data) // 2
    damaged = {
        "text": b"this is a note, not a model\n",
        "cut short": data[:middle],
        "one byte flipped": data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :],
    }[how]
    path = tmp_path / "generator-000001.keras"
    path.write_bytes(damaged)
    out = tmp_path / "out"
    status = main(["generate", "--snapshot", str(path), "--seeds", "0-3", "--outdir", str(out)])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith(f"kerasgan: error: {path} is damaged (")
    assert "File not found" not in error
    assert error.count("\n") == 1
    assert not out.exists() or not any(out.iterdir())


def tiny_reference():
    random = np.random.default_rng(0)
    x = random.integers(0, 256, size=(40, 8, 8), dtype=np.uint8)
    y = np.arange(40) % 2
    return ReferenceData("tiny", x, y, x[:10], y[:10], ("0", "1"), "made in the test")


def test_a_damaged_cached_classifier_is_trained_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    trained = []

    def quick_training(x_train, y_train, x_test, y_test, num_classes, **options):
        trained.append(len(x_train))
        return classifier_module.build_classifier((8, 8, 1), num_classes, filters=(2,)), 0.75

    monkeypatch.setattr(classifier_module, "train_classifier", quick_training)
    reference = tiny_reference()
    first = classifier_module.domain_classifier(reference=reference, verbose=False)
    assert trained == [40]
    (model_path,) = (tmp_path / "cache" / "classifiers").glob("*.keras")
    again = classifier_module.domain_classifier(reference=reference, verbose=False)
    assert trained == [40] and again.test_accuracy == 0.75  # read from the cache

    data = model_path.read_bytes()
    model_path.write_bytes(data[: len(data) // 3])
    rebuilt = classifier_module.domain_classifier(reference=reference, verbose=False)
    assert trained == [40, 40]
    assert f"the cached classifier {model_path} is damaged" in capsys.readouterr().err
    images = np.zeros((3, 8, 8, 1), np.float32)
    assert rebuilt.probabilities(images).shape == (3, 2)
    assert first.probabilities(images).shape == (3, 2)
    # The new file is whole: the next call reads it without training.
    classifier_module.domain_classifier(reference=reference, verbose=False)
    assert trained == [40, 40]
