"""Differentiable augmentation and adaptive p: what each transform changes, fresh randomness
inside the compiled step, gradients to the generator, ADA's rule, saving, and the moving
average of the generator."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import augment
from kerasgan import images as image_tools
from kerasgan.models.conditional_gan import ConditionalGAN
from kerasgan.models.dcgan import DCGAN
from kerasgan.models.pix2pix import Pix2Pix
from kerasgan.training.callbacks import FixedLatentGrid

SIZE = 32
MAX_SHIFT = SIZE // 8


def images(count=16, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, SIZE, SIZE, channels)).astype("float32")


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("names", [("flip",), ("translation",), ("color",), ("cutout",), augment.AUGMENTATIONS])
def test_shapes_dtypes_and_value_range_are_kept(names, channels):
    batch = images(channels=channels)
    augmented = augment.augment_images(batch, names, 1.0, keras.random.SeedGenerator(1))
    assert augmented.shape == batch.shape and augmented.dtype == tf.float32
    assert np.all(numpy(augmented) >= -1.0) and np.all(numpy(augmented) <= 1.0)


def test_probability_zero_changes_nothing():
    batch = images()
    augmented = augment.augment_images(batch, augment.AUGMENTATIONS, 0.0, keras.random.SeedGenerator(1))
    np.testing.assert_allclose(numpy(augmented), batch, atol=1e-6)


def test_flip_mirrors_some_images_and_leaves_the_others():
    batch = images(64)
    flipped = numpy(augment.random_flip(batch, 1.0, keras.random.SeedGenerator(2)))
    mirrored = [np.array_equal(out, image[:, ::-1]) for out, image in zip(flipped, batch)]
    unchanged = [np.array_equal(out, image) for out, image in zip(flipped, batch)]
    assert all(m or u for m, u in zip(mirrored, unchanged))
    assert 10 < sum(mirrored) < 54  # about half, as ADA flips half of the chosen images


def shifted(image, dy, dx):
    """The image moved down dy and right dx pixels, zeros where nothing moved in."""
    result = np.zeros_like(image)
    height, width = image.shape[:2]
    source = image[max(0, -dy) : height - max(0, dy), max(0, -dx) : width - max(0, dx)]
    result[max(0, dy) : max(0, dy) + source.shape[0], max(0, dx) : max(0, dx) + source.shape[1]] = source
    return result


def test_translation_shifts_each_image_by_at_most_an_eighth_with_grey_borders():
    batch = images(32)
    moved = numpy(augment.random_translation(batch, 1.0, keras.random.SeedGenerator(3)))
    shifts = []
    for out, image in zip(moved, batch):
        matches = [
            (dy, dx)
            for dy in range(-MAX_SHIFT, MAX_SHIFT + 1)
            for dx in range(-MAX_SHIFT, MAX_SHIFT + 1)
            if np.array_equal(out, shifted(image, dy, dx))
        ]
        assert len(matches) == 1
        shifts.append(matches[0])
    assert len(set(shifts)) > 5  # different images, different shifts


def test_cutout_greys_one_square_and_keeps_every_other_pixel():
    batch = images(32)
    cut = numpy(augment.random_cutout(batch, 1.0, keras.random.SeedGenerator(4)))
    changed = np.any(cut != batch, axis=-1)
    assert np.all(cut[changed] == 0.0)  # mid grey in [-1, 1]
    areas = changed.sum(axis=(1, 2))
    assert np.all(areas > 0) and np.all(areas <= (SIZE // 2) ** 2)
    for mask in changed:  # a rectangle: its rows times its columns
        rows, columns = np.any(mask, axis=1).sum(), np.any(mask, axis=0).sum()
        assert mask.sum() == rows * columns
    assert len({tuple(np.argwhere(mask)[0]) for mask in changed}) > 5


def test_color_changes_values_but_not_geometry():
    batch = images(8)
    colored = numpy(augment.random_color(batch, 1.0, keras.random.SeedGenerator(5)))
    assert not np.allclose(colored, batch)
    # Brightness, saturation and contrast are per-pixel affine maps: neighbours keep their order
    # unless clipped, so edges stay where they were.
    assert np.corrcoef(colored[..., 0].ravel(), batch[..., 0].ravel())[0, 1] > 0.3


def test_unknown_augmentation_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown augmentation.*rotate.*choose from flip,translation,color,cutout"):
        augment.parse_augmentations("flip,rotate")
    assert augment.parse_augmentations(" cutout, FLIP ") == ("flip", "cutout")


class RecordingDCGAN(DCGAN):
    """A DCGAN that keeps the last augmented real batch, to look inside the compiled step."""

    def __init__(self, **options):
        super().__init__(**options)
        self.last_real = self.add_weight(
            shape=(4, SIZE, SIZE, 3), initializer="zeros", trainable=False, name="last_real"
        )
        self.python_calls = 0  # Python code in a compiled step runs only while tracing

    def augment_for_discriminator(self, real_images, fake_images, conditions):
        real_images, fake_images, conditions = super().augment_for_discriminator(
            real_images, fake_images, conditions
        )
        self.last_real.assign(real_images)
        self.python_calls += 1
        return real_images, fake_images, conditions


def test_randomness_is_fresh_every_step_and_every_image_inside_the_compiled_step():
    gan = RecordingDCGAN(
        image_shape=(SIZE, SIZE, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
        augment="flip,translation,cutout", seed=0,
    )  # fmt: skip
    gan.compile()
    one_image = np.repeat(images(1), 4, axis=0)  # four copies of the same image per batch
    dataset = tf.data.Dataset.from_tensors(one_image).repeat()
    seen = []
    for _ in range(3):
        gan.fit(dataset, epochs=1, steps_per_epoch=1, verbose=0)
        seen.append(numpy(gan.last_real).copy())
    assert gan.python_calls < 3  # traced once into a graph, not run in Python at every step
    for batch in seen:  # the four copies were augmented differently within one step
        assert len({batch[i].tobytes() for i in range(4)}) >= 3
    # and every step drew new transforms (a crop frozen at trace time would repeat)
    assert not np.array_equal(seen[0], seen[1]) and not np.array_equal(seen[1], seen[2])


def test_gradients_flow_through_every_augmentation_to_the_generator():
    gan = DCGAN((SIZE, SIZE, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
                augment=augment.AUGMENTATIONS, seed=0)
    gan.compile()
    latents = np.random.default_rng(0).normal(size=(8, 8)).astype("float32")
    with tf.GradientTape() as tape:
        fakes = gan.generator(latents, training=True)
        _, augmented, _ = gan.augment_for_discriminator(fakes, fakes, None)
        loss = tf.reduce_mean(gan.discriminator(augmented, training=True))
    gradients = tape.gradient(loss, gan.generator.trainable_variables)
    assert all(g is not None for g in gradients)
    assert all(float(tf.reduce_sum(tf.abs(g))) > 0 for g in gradients)


def test_adjusted_probability_moves_toward_the_target_and_stays_in_range():
    assert float(augment.adjusted_probability(0.5, 0.9, 0.6, 0.1)) == pytest.approx(0.6)
    assert float(augment.adjusted_probability(0.5, 0.1, 0.6, 0.1)) == pytest.approx(0.4)
    assert float(augment.adjusted_probability(0.0, -1.0, 0.6, 0.1)) == 0.0
    assert float(augment.adjusted_probability(0.98, 1.0, 0.6, 0.1)) == pytest.approx(augment.MAX_PROBABILITY)


def test_p_rises_every_interval_while_the_discriminator_overfits_and_falls_after():
    gan = DCGAN((SIZE, SIZE, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
                augment="flip", ada=True, ada_interval=2, ada_kimg=1, seed=0)
    gan.compile()
    assert float(gan.augment_probability.numpy()) == 0.0  # ADA starts without augmentation
    sure_of_reals = tf.fill((50, 1), 3.0)  # E[sign(D(real))] = 1 > 0.6: overfitting
    step_size = 50 * 2 / 1000
    history = []
    for step in range(1, 9):
        gan.generator_optimizer.iterations.assign(step)
        gan.update_augmentation(sure_of_reals)
        history.append(float(gan.augment_probability.numpy()))
    expected = [step_size * (step // 2) for step in range(1, 9)]  # changes every second step
    np.testing.assert_allclose(history, expected, atol=1e-6)
    unsure = tf.fill((50, 1), -1.0)  # E[sign(D(real))] = -1 < 0.6
    for step in range(9, 13):
        gan.generator_optimizer.iterations.assign(step)
        gan.update_augmentation(unsure)
    assert float(gan.augment_probability.numpy()) == pytest.approx(expected[-1] - 2 * step_size, abs=1e-6)


def all_options_gan():
    return DCGAN((SIZE, SIZE, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
                 augment="flip,translation,color,cutout", ada=True, ada_target=0.5,
                 ada_interval=3, ada_kimg=20, ema_decay=0.99, seed=4)


def test_the_average_trails_the_generator_draws_the_grids_and_saves_with_p(tmp_path):
    gan = all_options_gan()
    gan.compile()
    before = [w.copy() for w in gan.ema_generator.get_weights()]
    gan.fit(images(16), batch_size=4, epochs=1, verbose=0)
    generator, average = gan.generator.get_weights(), gan.ema_generator.get_weights()
    kernel = 1  # the first Dense kernel: trained, so the average moved part of the way
    assert not np.allclose(average[kernel], before[kernel])
    assert not np.allclose(average[kernel], generator[kernel])
    assert gan.generator_for_sampling is gan.ema_generator
    latents = np.random.default_rng(2).normal(size=(4, 8)).astype("float32")
    grid = FixedLatentGrid(latents, columns=4).grid(gan)
    averaged_samples = gan.ema_generator.predict(latents, verbose=0)
    np.testing.assert_array_equal(grid, image_tools.make_grid(averaged_samples, columns=4))

    config = json.loads(json.dumps(gan.get_config()))
    assert config["augment"] == list(augment.AUGMENTATIONS) and config["ada"] is True
    assert config["ema_decay"] == 0.99 and config["ada_interval"] == 3
    again = DCGAN.from_config(config)
    networks = ("generator", "discriminator", "name")  # layer names are numbered per process
    assert {k: v for k, v in again.get_config().items() if k not in networks} == {
        k: v for k, v in config.items() if k not in networks
    }

    gan.augment_probability.assign(0.37)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert float(loaded.augment_probability.numpy()) == pytest.approx(0.37)
    np.testing.assert_allclose(loaded.ema_generator.predict(latents, verbose=0), averaged_samples, atol=1e-6)


def test_conditional_gan_trains_with_augmentation_and_ada():
    gan = ConditionalGAN((SIZE, SIZE, 3), num_classes=3, latent_dim=8, embedding_dim=4,
                         generator_filters=8, discriminator_filters=8, augment="translation,color",
                         ada=True, ada_interval=1, ema_decay=0.9, seed=0)
    gan.compile()
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    history = gan.fit(images(8), labels, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1]) and "augment_p" in history.history
    again = ConditionalGAN.from_config(json.loads(json.dumps(gan.get_config())))
    assert again.augmentations == ("translation", "color") and again.ema_decay == 0.9


def test_pix2pix_moves_each_input_with_its_images_and_trains():
    gan = Pix2Pix(image_size=64, input_channels=1, output_channels=3, generator_filters=4,
                  discriminator_filters=4, augment="flip,translation,cutout", ema_decay=0.9, seed=0)
    gan.compile()
    rng = np.random.default_rng(0)
    targets = rng.uniform(-1, 1, (6, 64, 64, 3)).astype("float32")
    inputs = targets[..., :1].copy()  # the input is the target's first channel
    augmented_targets, augmented_outputs, augmented_inputs = gan.augment_for_discriminator(
        targets, targets, inputs
    )
    augmented_targets, augmented_outputs = numpy(augmented_targets), numpy(augmented_outputs)
    assert not np.allclose(augmented_targets, targets)
    # One transform per pair: input, target and output still line up pixel for pixel.
    np.testing.assert_array_equal(numpy(augmented_inputs), augmented_targets[..., :1])
    np.testing.assert_array_equal(augmented_outputs, augmented_targets)

    history = gan.fit(inputs, targets, batch_size=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    assert Pix2Pix.from_config(json.loads(json.dumps(gan.get_config()))).augmentations == (
        "flip", "translation", "cutout",
    )  # fmt: skip


def test_invalid_augmentation_options_are_clear_errors():
    with pytest.raises(ValueError, match="ada adapts the probability of augmentations"):
        DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, ada=True)
    with pytest.raises(ValueError, match="ema_decay must be in"):
        DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, ema_decay=1.0)
    with pytest.raises(ValueError, match="augment_probability must be in"):
        DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, augment="flip",
              augment_probability=1.5)
