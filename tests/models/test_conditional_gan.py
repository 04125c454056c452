"""Conditional GAN: shapes, labels in every form, save/load round trips, the run folder, learning.

The last test trains on real MNIST digits and checks, with a classifier trained on
real digits, that the generator draws the digit it is asked for.
"""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan.data.keras_datasets import CIFAR10_CLASS_NAMES
from kerasgan.models.conditional_gan import (
    ConditionalGAN,
    conditional_discriminator,
    conditional_generator,
)

CIFAR_NAMES = list(CIFAR10_CLASS_NAMES)  # any ten names would do; these read well


def tiny_labelled_dataset(image_shape=(28, 28, 1), count=16, batch_size=8, num_classes=10, seed=0):
    random = np.random.default_rng(seed)
    images = random.uniform(-1, 1, (count, *image_shape)).astype("float32")
    labels = random.integers(0, num_classes, count).astype("int32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(
        batch_size, drop_remainder=True
    )


def tiny_gan(**options):
    settings = dict(
        latent_dim=8, embedding_dim=4, generator_filters=8, discriminator_filters=8, seed=0
    )
    settings.update(options)
    return ConditionalGAN(**settings)


def latents(count, latent_dim=8, seed=0):
    return np.random.default_rng(seed).standard_normal((count, latent_dim)).astype("float32")


@pytest.mark.parametrize("conditioning", ["channel", "projection"])
@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3)])
def test_builders_take_a_label_beside_z_and_beside_the_image(image_shape, conditioning):
    generator = conditional_generator(image_shape, num_classes=5, latent_dim=8, base_filters=8)
    discriminator = conditional_discriminator(
        image_shape, num_classes=5, conditioning=conditioning, base_filters=8
    )
    labels = np.array([0, 1, 4], "int32")
    images = np.asarray(generator([latents(3), labels]))
    assert tuple(images.shape) == (3, *image_shape)
    assert np.abs(images).max() <= 1.0
    assert tuple(discriminator([images, labels]).shape) == (3, 1)
    # The label enters through keras.layers.Embedding in both networks.
    assert isinstance(generator.get_layer("label_embedding"), keras.layers.Embedding)
    assert isinstance(discriminator.get_layer("label_embedding"), keras.layers.Embedding)
    if conditioning == "projection":
        assert isinstance(discriminator.get_layer("projection"), keras.layers.Dot)
    else:
        assert discriminator.get_layer("image_and_label").output.shape[-1] == image_shape[-1] + 1


@pytest.mark.parametrize("conditioning", ["channel", "projection"])
def test_the_discriminator_depends_on_the_label(conditioning):
    discriminator = conditional_discriminator(
        (28, 28, 1), num_classes=3, conditioning=conditioning, base_filters=8, dropout=0
    )
    # Untrained embeddings start near zero: give each class a clearly different vector.
    embedding = discriminator.get_layer("label_embedding")
    embedding.embeddings.assign(np.random.default_rng(0).normal(size=embedding.embeddings.shape))
    images = np.random.default_rng(1).uniform(-1, 1, (1, 28, 28, 1)).astype("float32")
    logits = [float(discriminator([images, np.array([label])])[0, 0]) for label in range(3)]
    assert len({round(value, 5) for value in logits}) == 3


def test_same_z_with_different_labels_gives_different_images():
    generator = conditional_generator((28, 28, 1), num_classes=10, latent_dim=8, base_filters=8)
    z = np.repeat(latents(1), 10, axis=0)
    images = np.asarray(generator([z, np.arange(10, dtype="int32")]))
    differences = [np.abs(images[0] - images[label]).max() for label in range(1, 10)]
    assert min(differences) > 1e-4
    # ... and the same label twice gives the same image.
    again = np.asarray(generator([z[:2], np.array([3, 3], "int32")]))
    np.testing.assert_allclose(again[0], again[1])


@pytest.mark.parametrize(
    "conditioning, one_hot, options",
    [
        ("channel", False, {"loss": "bce", "label_smoothing": 0.1}),
        ("projection", True, {"loss": "wgan-gp", "discriminator_steps": 2}),
    ],
    ids=["channel-integers-bce", "projection-one-hot-wgan-gp"],
)
def test_two_steps_of_fit_update_both_networks_and_the_embedding(conditioning, one_hot, options):
    gan = tiny_gan(conditioning=conditioning, **options)
    gan.compile()
    generator_before = [w.copy() for w in gan.generator.get_weights()]
    discriminator_before = [w.copy() for w in gan.discriminator.get_weights()]
    embedding_before = gan.generator.get_layer("label_embedding").get_weights()[0].copy()
    dataset = tiny_labelled_dataset()
    if one_hot:
        dataset = dataset.map(lambda images, labels: (images, tf.one_hot(labels, 10)))
    history = gan.fit(dataset, epochs=1, verbose=0)
    for name in ("d_loss", "g_loss"):
        assert np.isfinite(history.history[name][-1]), name
    assert int(gan.generator_optimizer.iterations.numpy()) == 2
    steps = options.get("discriminator_steps", 1)
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 2 * steps
    assert any(not np.allclose(a, b) for a, b in zip(generator_before, gan.generator.get_weights()))
    assert any(
        not np.allclose(a, b) for a, b in zip(discriminator_before, gan.discriminator.get_weights())
    )
    # The generator's label embedding learns: the label reaches the loss.
    embedding_after = gan.generator.get_layer("label_embedding").get_weights()[0]
    assert not np.allclose(embedding_before, embedding_after)


def test_labels_as_integers_columns_or_one_hot_give_the_same_images():
    gan = tiny_gan()
    labels = np.array([2, 7, 0], "int64")
    z = latents(3)
    expected = np.asarray(gan([z, labels]))
    np.testing.assert_allclose(gan([z, labels[:, None]]), expected)
    np.testing.assert_allclose(gan([z, keras.utils.to_categorical(labels, 10)]), expected)
    with pytest.raises(ValueError, match=r"one-hot shaped \(batch, 10\)"):
        gan([z, np.zeros((3, 4), "float32")])


def test_a_label_outside_the_classes_is_a_clear_error():
    generator = conditional_generator((28, 28, 1), num_classes=10, latent_dim=8, base_filters=8)
    for label in (10, -1):
        with pytest.raises(tf.errors.InvalidArgumentError, match="whole numbers from 0 to 9"):
            generator([latents(2), np.array([0, label], "int32")])


def test_unlabelled_data_and_bad_options_are_clear_errors():
    gan = tiny_gan()
    gan.compile()
    images = np.zeros((8, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match=r"trains on \(images, labels\) batches"):
        gan.fit(images, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        tiny_gan(num_classes=1)
    with pytest.raises(ValueError, match="Got 3 class names for 10 classes"):
        tiny_gan(class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="conditioning must be 'channel' or 'projection'"):
        tiny_gan(conditioning="concat")
    unconditional = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match=r"generator takes \[z, label\]"):
        tiny_gan(generator=unconditional)


@pytest.mark.parametrize("conditioning", ["channel", "projection"])
def test_config_round_trips_through_json_with_equal_outputs(conditioning):
    gan = tiny_gan(
        image_shape=(32, 32, 3),
        class_names=CIFAR_NAMES,
        conditioning=conditioning,
        upsampling="resize",
        loss="hinge",
        spectral_norm=True,
        discriminator_steps=2,
    )
    config = json.loads(json.dumps(gan.get_config()))
    assert config["class_names"] == CIFAR_NAMES and config["conditioning"] == conditioning
    clone = ConditionalGAN.from_config(config)
    networks = ("generator", "discriminator")
    assert {k: v for k, v in clone.get_config().items() if k not in networks} == {
        k: v for k, v in config.items() if k not in networks
    }
    clone.set_weights(gan.get_weights())
    z, labels = latents(4), np.array([0, 3, 5, 9], "int32")
    images = np.asarray(gan.generator([z, labels]))
    np.testing.assert_allclose(clone.generator([z, labels]), images, atol=1e-6)
    np.testing.assert_allclose(
        clone.discriminator([images, labels]), gan.discriminator([images, labels]), atol=1e-5
    )


def test_keras_save_and_load_give_equal_outputs_and_keep_training(tmp_path):
    gan = tiny_gan(class_names=CIFAR_NAMES, conditioning="projection", loss="hinge")
    gan.compile()
    gan.fit(tiny_labelled_dataset(), epochs=1, verbose=0)
    path = tmp_path / "cgan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, ConditionalGAN)
    assert loaded.class_names == tuple(CIFAR_NAMES) and loaded.conditioning == "projection"
    z, labels = latents(4), np.array([1, 1, 4, 8], "int32")
    images = np.asarray(gan.generator([z, labels]))
    np.testing.assert_allclose(loaded.generator([z, labels]), images, atol=1e-6)
    np.testing.assert_allclose(
        loaded.discriminator([images, labels]), gan.discriminator([images, labels]), atol=1e-5
    )
    loaded.compile()
    history = loaded.fit(tiny_labelled_dataset(), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])


def test_a_saved_generator_keeps_its_class_names_and_loads_in_a_fresh_interpreter(tmp_path):
    generator = conditional_generator(
        (32, 32, 3), num_classes=10, latent_dim=8, base_filters=8, class_names=CIFAR_NAMES
    )
    path = tmp_path / "generator.keras"
    generator.save(path)
    z, labels = latents(3), np.array([3, 5, 3], "int32")
    np.save(tmp_path / "z.npy", z)
    expected = np.asarray(generator([z, labels]))
    # Plain Keras once kerasgan's layers are registered (one import), no run folder needed.
    script = (
        "import numpy as np, keras, kerasgan.models.conditional_gan; "
        f"m = keras.models.load_model({str(path)!r}); "
        f"out = np.asarray(m([np.load({str(tmp_path / 'z.npy')!r}), np.array([3, 5, 3])])); "
        f"np.save({str(tmp_path / 'out.npy')!r}, out); "
        "print(','.join(m.get_layer('class_labels').class_names))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == ",".join(CIFAR_NAMES)
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)


# ---------------------------------------------------------------- training into a run folder

TRAINING_OPTIONS = dict(
    batch_size=128, interval_steps=14, latent_dim=16, generator_filters=8, discriminator_filters=8
)


def read_checkpoint(run_folder):
    with np.load(run_folder / "checkpoint.npz") as archive:
        header = json.loads(archive["progress.json"].tobytes())
        return header["progress"], archive["array/class_grid_latents"].copy()


def test_train_cgan_writes_class_grids_and_resumes(mnist_npz, tmp_path):
    import cv2

    from kerasgan import images
    from kerasgan.snapshots import sampling
    from kerasgan.training.recipes.cgan import ClassGrid
    from kerasgan.training.trainer import train

    # 3,678 digits in batches of 128: 28 steps, two intervals of 14.
    run = train("cgan", dataset=mnist_npz, outdir=tmp_path, epochs=1, verbose=0, **TRAINING_OPTIONS)
    names = {path.name for path in run.path.iterdir()}
    assert {
        "fakes_init.png",
        "fakes_000002.png",
        "generator-000002.keras",
        "checkpoint.npz",
    } <= names
    assert run.options()["conditioning"] == "projection" and run.options()["embedding_dim"] == 8
    progress, grid_latents = read_checkpoint(run.path)
    assert progress["step"] == 28 and grid_latents.shape == (8, 16)

    # The class grid: one row per class (10 rows of 28 + 2 pixels), names in a left margin.
    grid = cv2.imread(str(run.grid_path(2)))[..., ::-1]
    assert grid.shape[0] == 10 * 30 + 2
    assert grid.shape[1] > 8 * 30 + 2
    # It is the snapshot drawing the checkpoint's fixed latent vectors, row k as class k.
    snapshot = sampling.load_generator(run.latest_snapshot())
    assert sampling.generator_class_names(snapshot) == [str(digit) for digit in range(10)]

    class Holder:
        generator = snapshot

    expected = ClassGrid(grid_latents, [str(digit) for digit in range(10)]).grid(Holder)
    np.testing.assert_array_equal(grid, expected)
    assert images.make_grid(np.zeros((80, 28, 28, 1)), columns=8).shape[1] < grid.shape[1]

    # The same call with more epochs continues the same run folder where it stopped.
    again = train(
        "cgan", dataset=mnist_npz, outdir=tmp_path, epochs=2, verbose=0, **TRAINING_OPTIONS
    )
    assert again.path == run.path
    assert [line["step"] for line in again.stats()] == [14, 28, 42, 56]
    progress, latents_after = read_checkpoint(run.path)
    assert progress["interval"] == 4
    np.testing.assert_array_equal(latents_after, grid_latents)


def test_train_cgan_on_a_folder_keeps_the_folder_names_as_class_names(tmp_path, capsys):
    import cv2

    from kerasgan.cli import main
    from kerasgan.training.trainer import train

    folder = tmp_path / "shapes"
    random = np.random.default_rng(0)
    for name in ("circles", "squares"):
        (folder / name).mkdir(parents=True)
        for index in range(16):
            picture = np.zeros((40, 40, 3), "uint8")
            center = tuple(int(v) for v in random.integers(12, 28, 2))
            if name == "circles":
                cv2.circle(picture, center, 8, (255, 255, 255), -1)
            else:
                cv2.rectangle(
                    picture, center, (center[0] + 10, center[1] + 10), (255, 255, 255), -1
                )
            cv2.imwrite(str(folder / name / f"{index}.png"), picture)
    run = train(
        "cgan",
        dataset=folder,
        outdir=tmp_path / "runs",
        epochs=1,
        image_size=32,
        batch_size=8,
        latent_dim=8,
        generator_filters=8,
        discriminator_filters=8,
        verbose=0,
    )
    snapshot = run.latest_snapshot()
    out = tmp_path / "squares.png"
    assert (
        main(
            [
                "generate",
                "--snapshot",
                str(snapshot),
                "--class",
                "squares",
                "--num",
                "4",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert cv2.imread(str(out)).shape == (2 * 34 + 2, 2 * 34 + 2, 3)
    assert (
        main(["generate", "--snapshot", str(snapshot), "--class", "triangles", "--out", str(out)])
        == 2
    )
    assert "choose one of 0 circles, 1 squares" in capsys.readouterr().err


def test_train_cgan_refuses_data_without_classes(tmp_path):
    from kerasgan.training.trainer import train

    folder = tmp_path / "flat"
    folder.mkdir()
    import cv2

    for index in range(4):
        cv2.imwrite(str(folder / f"{index}.png"), np.zeros((32, 32, 3), "uint8"))
    with pytest.raises(ValueError, match="subfolder"):
        train(
            "cgan", dataset=folder, outdir=tmp_path / "runs", image_size=32, batch_size=2, verbose=0
        )
    assert not (tmp_path / "runs").exists()


# ------------------------------------------------------- it learns: the acceptance test

# Measured after 500 steps. GAN samples swing from one snapshot to the next (the classic
# oscillation), and the test once kept the best of 500 and 750 steps; but 500 steps alone
# cleared the bar in every measured run (see below the bar), and steps 500 to 750 cost half
# as much training again. (A snapshot at 1,000 steps was the best in one of four measured
# runs and the worst in two.)
TRAINING_STEPS = 500
SAMPLES_PER_CLASS = 50


def test_learns_to_draw_the_digit_it_is_asked_for(mnist_npz):
    """Real digits, a few CPU minutes: G(z, k) is recognised as digit k by a digit classifier."""
    from kerasgan.snapshots import sampling
    from kerasgan.data import load_training_data
    from kerasgan.metrics.classifier import domain_classifier
    from kerasgan.metrics.recognition import class_recognition_score

    # Trained on the same real digits once per test session, and cached.
    classifier = domain_classifier("mnist", path=mnist_npz)
    data = load_training_data(mnist_npz, batch_size=64, labels=True, seed=0)
    keras.utils.set_random_seed(0)
    gan = ConditionalGAN(
        data.image_shape,
        data.num_classes,
        latent_dim=64,
        generator_filters=32,
        discriminator_filters=32,
        seed=0,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.5),
    )
    # Fifty latent vectors, each drawn as all ten digits.
    columns = sampling.latent_batch(SAMPLES_PER_CLASS, 64, seed=1)
    latents, labels = sampling.class_grid_inputs(columns, 10)
    gan.fit(data.dataset.repeat(), steps_per_epoch=TRAINING_STEPS, epochs=1, verbose=0)
    generated = gan.generator.predict([latents, labels], batch_size=250, verbose=0)
    # Threshold 0: recognised as the classifier's most likely digit. The strict share (top
    # probability above 0.9) is printed beside it.
    top_class = class_recognition_score(classifier, generated, labels, threshold=0.0)
    strict = class_recognition_score(classifier, generated, labels)
    share = top_class["requested_class_share"]
    print(
        f"step {int(gan.generator_optimizer.iterations.numpy())}: recognised as the digit "
        f"asked for {share:.1%} (confidently: {strict['requested_class_share']:.1%})"
    )
    # Chance is 10%; the aim is 80%. Measured with the 8-number label embedding: 61.2% at
    # step 500, 54.2% at 750, 80.4% at 1,000 (51.0% with top probability above 0.9); with
    # the former 50 numbers, 91.2% at best in one run and 60.4% in another, but one drawing
    # per class. Three more runs of this test's settings with seeds 0, 1 and 2 in place of
    # 0 (share at 500, 750 and 1,000 steps; different digits per z at the best of the first
    # two): 69.6%, 77.0%, 51.4% (7.8); 51.8%, 64.2%, 37.2% (6.9); 56.2%, 78.0%, 68.0% (7.9).
    # The test itself, 500 and 750 steps: 59.8%, 51.8%. At 500 steps alone, three more
    # runs: this test 57.4% (76 CPU seconds for the whole test, against about 33 more for
    # the former 250 steps after it); seed 0 67.4% and seed 1 74.6%, with 7.0 and 7.7
    # different digits per z. So 500 steps gave 51.8% to 74.6% in eight runs. CPU training
    # differs from machine to machine, so the bar is four times chance, below every one.
    assert share >= 0.4

    # Same z, different label, different digit: down each column of the class grid, the
    # classifier reads several different digits.
    predicted = classifier.probabilities(generated).argmax(axis=1).reshape(10, SAMPLES_PER_CLASS)
    distinct_digits_per_z = [len(set(predicted[:, column])) for column in range(SAMPLES_PER_CLASS)]
    assert np.mean(distinct_digits_per_z) >= 5
