"""The domain classifier: accuracy on real held-out images, the cache, and clear errors."""

import json

import numpy as np
import pytest

from kerasgan.metrics import classifier as classifier_module
from kerasgan.metrics.classifier import data_fingerprint, domain_classifier


def test_mnist_classifier_recognises_held_out_digits(mnist_classifier, mnist_reference):
    # Trained on the 3,678 real training digits, measured on all 10,000 real test digits.
    print(f"\nMNIST domain classifier: {mnist_classifier.describe()}")
    assert mnist_classifier.test_accuracy >= 0.965
    assert mnist_classifier.num_train_images == 3678
    assert mnist_classifier.num_test_images == 10000
    # The stored accuracy is the model's own: recompute it on part of the test split.
    probabilities = mnist_classifier.probabilities(mnist_reference.x_test[:2000])
    accuracy = np.mean(probabilities.argmax(axis=1) == mnist_reference.y_test[:2000])
    assert accuracy >= 0.95
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_features_and_names(mnist_classifier, mnist_reference):
    probabilities, features = mnist_classifier.predict(mnist_reference.x_test[:10])
    assert probabilities.shape == (10, 10)
    assert features.shape == (10, 128)
    assert mnist_classifier.name.startswith("mnist-classifier-")
    assert mnist_classifier.class_names == tuple("0123456789")
    # uint8 input and the same images scaled to [-1, 1] give the same answer.
    scaled = mnist_reference.x_test[:10].astype(np.float32) / 127.5 - 1.0
    np.testing.assert_allclose(mnist_classifier.features(scaled[..., None]), features, rtol=1e-5)


def test_cached_classifier_is_loaded_not_retrained(mnist_classifier, mnist_reference, monkeypatch):
    def refuse_to_train(*args, **kwargs):
        raise AssertionError("the cached classifier should have been loaded")

    monkeypatch.setattr(classifier_module, "train_classifier", refuse_to_train)
    loaded = domain_classifier(reference=mnist_reference)
    assert loaded.name == mnist_classifier.name
    assert loaded.test_accuracy == pytest.approx(mnist_classifier.test_accuracy)
    images = mnist_reference.x_test[:20]
    np.testing.assert_allclose(
        loaded.probabilities(images), mnist_classifier.probabilities(images), atol=1e-6
    )
    # The cache holds a finished model and its description, and no half-written temporaries.
    folder = classifier_module.cache_folder()
    stem = classifier_module.cache_stem(
        "mnist", mnist_classifier.fingerprint, classifier_module.GRAYSCALE_RECIPE
    )
    assert (folder / f"{stem}.keras").is_file()
    description = json.loads((folder / f"{stem}.json").read_text())
    assert description["test_accuracy"] == pytest.approx(mnist_classifier.test_accuracy)
    assert not [path for path in folder.iterdir() if path.name.startswith(".tmp-")]


def test_a_different_training_set_gets_a_different_fingerprint(mnist_reference):
    images, labels = mnist_reference.x_train, mnist_reference.y_train
    fingerprint = data_fingerprint(images, labels)
    assert fingerprint == data_fingerprint(images.copy(), labels.copy())
    assert fingerprint != data_fingerprint(images[:-1], labels[:-1])
    changed_labels = labels.copy()
    changed_labels[0] = (changed_labels[0] + 1) % 10
    assert fingerprint != data_fingerprint(images, changed_labels)
    # A changed training recipe gets its own cache file too.
    recipe = classifier_module.GRAYSCALE_RECIPE
    assert classifier_module.cache_stem("mnist", fingerprint, recipe) != (
        classifier_module.cache_stem("mnist", fingerprint, dict(recipe, epochs=1))
    )


def test_images_of_another_shape_are_refused(mnist_classifier):
    with pytest.raises(ValueError, match="takes images shaped"):
        mnist_classifier.predict(np.zeros((2, 32, 32, 3), np.float32))


def test_cifar10_classifier_trains_and_tells_photos_apart(cifar10_reference, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path))
    classifier = domain_classifier(reference=cifar10_reference)
    print(f"\nCIFAR-10 domain classifier: {classifier.describe()}")
    # 5,000 training photos, 1,000 test photos: chance is 10%.
    assert classifier.test_accuracy > 0.45
    assert classifier.class_names[0] == "airplane"
    assert classifier.image_shape == (32, 32, 3)
    assert (tmp_path / "classifiers").is_dir()
