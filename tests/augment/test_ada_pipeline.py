"""ADA's augmentation pipeline (kerasgan/augment.py, "blit", "geom", "bg", "bgc"): each transform
against NumPy, the paper's strengths, p = 0 exactly the identity, per-image randomness, the share of
images changed, gradients, and training a GAN with it inside the compiled step."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import augment
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator
from kerasgan.models.gan import GAN

SIZE = 16


def images(count=8, channels=3, size=SIZE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, size, size, channels)).astype("float32")


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def ada(batch, transforms, probability=1.0, seed=1):
    return numpy(augment.ada_augment(batch, transforms, probability, keras.random.SeedGenerator(seed)))


def matrices_of(transforms, count=4000, probability=1.0, size=32):
    matrices, moved, resampled = augment.geometric_matrices(
        count, size, size, transforms, probability, keras.random.SeedGenerator(0)
    )
    return numpy(matrices), numpy(moved), numpy(resampled)


def smooth(x, y):
    """A smooth RGB picture as a function of pixel coordinates: resampling it is well defined."""
    return np.stack([np.cos(0.3 * x + 0.2 * y), np.sin(0.25 * y - 0.1 * x), np.cos(0.15 * x)], axis=-1)


# ------------------------------------------------------------------ names


def test_the_pipelines_are_names_beside_diffaugments():
    assert augment.parse_augmentations("bgc") == ("bgc",)
    assert augment.parse_augmentations(" BG, flip") == ("flip", "bg")
    assert augment.ada_transforms(("bgc",)) == (
        "xflip", "rotate90", "xint", "scale", "rotate", "aniso", "xfrac",
        "brightness", "contrast", "lumaflip", "hue", "saturation",
    )  # fmt: skip
    assert augment.ada_transforms(("geom", "blit")) == augment.ada_transforms(("bg",))
    assert augment.ada_transforms(("flip", "color")) == ()
    with pytest.raises(ValueError, match=r"Unknown augmentation\(s\) bgcx: .*cutout.*blit, geom, bg, bgc"):
        augment.parse_augmentations("bgc,bgcx")


# ------------------------------------------------------------------ p = 0 and per-image choice


@pytest.mark.parametrize("channels", [1, 3])
def test_probability_zero_is_exactly_the_identity(channels):
    batch = images(channels=channels)
    np.testing.assert_array_equal(ada(batch, augment.ada_transforms(("bgc",)), 0.0), batch)
    compiled = tf.function(augment.augment_images)
    seed = keras.random.SeedGenerator(0)
    np.testing.assert_array_equal(numpy(compiled(batch, ("bgc",), tf.constant(0.0), seed)), batch)


def test_augment_images_runs_the_pipeline_once():
    batch = images()
    for name in ("blit", "geom", "bg", "bgc"):
        through_names = augment.augment_images(batch, (name,), 1.0, keras.random.SeedGenerator(5))
        transforms = augment.ada_transforms((name,))
        pipeline = augment.ada_augment(batch, transforms, 1.0, keras.random.SeedGenerator(5))
        np.testing.assert_array_equal(numpy(through_names), numpy(pipeline), err_msg=name)


def test_every_image_draws_its_own_transform():
    batch = np.repeat(images(1), 16, axis=0)
    for transforms in (("rotate", "scale"), ("brightness", "hue", "saturation")):
        augmented = ada(batch, transforms)
        assert len({image.tobytes() for image in augmented}) == 16


def test_the_share_of_images_changed_is_p():
    batch = np.repeat(images(1, size=8), 2000, axis=0)

    def share_changed(transforms, probability):
        augmented = ada(batch, transforms, probability)
        return np.mean(np.any(augmented != batch, axis=(1, 2, 3)))

    assert share_changed(("brightness",), 0.3) == pytest.approx(0.3, abs=0.04)
    assert share_changed(("scale",), 0.3) == pytest.approx(0.3, abs=0.04)
    assert share_changed(("rotate",), 0.3) == pytest.approx(0.3, abs=0.04)  # two rotations, p in all
    # x-flip: chosen with p, then flipped half the time.
    assert share_changed(("xflip",), 0.6) == pytest.approx(0.3, abs=0.04)
    # The whole pipeline leaves an image alone when none of its twelve transforms changes it:
    # x-flip and luma flip change half the chosen images, quarter turns three quarters,
    # whole-pixel shifts all but 1/64 (8 px: a shift of 0 in both axes), the rest all.
    p = 0.1
    unchanged = (1 - p / 2) ** 2 * (1 - 3 * p / 4) * (1 - p * 63 / 64) * (1 - p) ** 8
    assert share_changed(augment.ada_transforms(("bgc",)), p) == pytest.approx(1 - unchanged, abs=0.04)


# ------------------------------------------------------------------ blit: exact, against NumPy


def test_xflip_mirrors_half_the_images_at_p_1():
    batch = images(64)
    flipped = ada(batch, ("xflip",))
    mirrored = [np.array_equal(out, image[:, ::-1]) for out, image in zip(flipped, batch)]
    unchanged = [np.array_equal(out, image) for out, image in zip(flipped, batch)]
    assert all(m or u for m, u in zip(mirrored, unchanged))
    assert 16 < sum(mirrored) < 48


def test_rotate90_turns_each_image_by_a_multiple_of_90_degrees():
    batch = images(64)
    rotated = ada(batch, ("rotate90",))
    turns = []
    for out, image in zip(rotated, batch):
        matches = [k for k in range(4) if np.array_equal(out, np.rot90(image, k, axes=(0, 1)))]
        assert len(matches) == 1
        turns.append(matches[0])
    assert set(turns) == {0, 1, 2, 3}


def test_xint_shifts_by_whole_pixels_with_a_mirrored_border():
    size = 32
    batch = images(48, size=size)
    shifted = ada(batch, ("xint",))
    largest = round(augment.INTEGER_TRANSLATION_MAX * size)  # 4 pixels
    shifts = []
    for out, image in zip(shifted, batch):
        padded = np.pad(image, ((largest, largest), (largest, largest), (0, 0)), mode="reflect")
        matches = [
            (dy, dx)
            for dy in range(-largest, largest + 1)
            for dx in range(-largest, largest + 1)
            if np.array_equal(
                out, padded[largest - dy : largest - dy + size, largest - dx : largest - dx + size]
            )
        ]
        assert len(matches) == 1
        shifts.append(matches[0])
    assert len(set(shifts)) > 12


# ------------------------------------------------------------------ geometry: matrices and resampling


def test_geometric_matrices_follow_the_papers_distributions():
    size = 32
    scale, _, resampled = matrices_of(("scale",), size=size)
    assert resampled.all()
    np.testing.assert_allclose(scale[:, 0, 0], scale[:, 1, 1])
    assert np.std(np.log2(1 / scale[:, 0, 0])) == pytest.approx(augment.SCALE_STD, rel=0.1)

    rotation, _, _ = matrices_of(("rotate",))
    np.testing.assert_allclose(np.linalg.det(rotation[:, :2, :2]), 1.0, atol=1e-5)
    angles = np.arctan2(rotation[:, 1, 0], rotation[:, 0, 0])
    # Two rotations, each by a uniform angle in (-180, 180] degrees: the sum is uniform too.
    assert np.histogram(angles, bins=8, range=(-np.pi, np.pi))[0].min() > 400

    aniso, _, _ = matrices_of(("aniso",))
    np.testing.assert_allclose(aniso[:, 0, 0] * aniso[:, 1, 1], 1.0, rtol=1e-5)
    assert np.std(np.log2(aniso[:, 0, 0])) == pytest.approx(augment.ANISO_STD, rel=0.1)

    shift, _, _ = matrices_of(("xfrac",), size=size)
    np.testing.assert_array_equal(shift[:, :2, :2], np.broadcast_to(np.eye(2), (4000, 2, 2)))
    assert np.std(shift[:, :2, 2] / size) == pytest.approx(augment.FRACTIONAL_TRANSLATION_STD, rel=0.1)

    blits, moved, resampled = matrices_of(("xflip", "rotate90", "xint"))
    assert not resampled.any() and 0.8 < moved.mean() < 1.0
    # Pixel centres go to pixel centres: an even size has them at half-integers from the centre.
    corner = blits @ np.array([-15.5, -15.5, 1.0])
    np.testing.assert_array_equal(corner[:, :2] % 1, 0.5)


@pytest.mark.parametrize(
    "name, matrix",
    [
        ("scale by 1.3", [[1 / 1.3, 0, 0], [0, 1 / 1.3, 0], [0, 0, 1]]),
        ("scale by 0.8", [[1 / 0.8, 0, 0], [0, 1 / 0.8, 0], [0, 0, 1]]),
        ("rotate by 40 degrees", [[np.cos(0.7), np.sin(0.7), 0], [-np.sin(0.7), np.cos(0.7), 0], [0, 0, 1]]),
        ("stretch by 1.2", [[1 / 1.2, 0, 0], [0, 1.2, 0], [0, 0, 1]]),
        ("shift by 1.37, -2.6 px", [[1, 0, -1.37], [0, 1, 2.6], [0, 0, 1]]),
    ],
)
def test_resampling_matches_the_transformed_picture(name, matrix):
    size = 32
    centre = (size - 1) / 2
    rows, columns = np.mgrid[0:size, 0:size].astype("float64")
    picture = smooth(columns, rows)[None].astype("float32")
    matrix = np.array(matrix, "float64")
    resampled = numpy(augment.resample_images(picture, matrix[None].astype("float32")))[0]
    # Each output pixel shows the input where the matrix sends it (coordinates from the centre).
    source_x = matrix[0, 0] * (columns - centre) + matrix[0, 1] * (rows - centre) + matrix[0, 2] + centre
    source_y = matrix[1, 0] * (columns - centre) + matrix[1, 1] * (rows - centre) + matrix[1, 2] + centre
    expected = smooth(source_x, source_y)
    inside = (source_x > 3) & (source_x < size - 4) & (source_y > 3) & (source_y < size - 4)
    assert inside.sum() > 200
    np.testing.assert_allclose(resampled[inside], expected[inside], atol=0.02, err_msg=name)


def test_resampling_mirrors_the_image_outside_its_border():
    size = 16
    batch = images(2, size=size)
    # A pure whole-pixel shift, through the resampler: the mirrored border as NumPy pads it,
    # up to the low-pass filter's softening of the finest detail.
    matrix = np.array([[[-1, 0, 0], [0, 1, -3], [0, 0, 1]]], "float32")  # flip, then shift down 3 px
    resampled = numpy(augment.resample_images(batch, np.repeat(matrix, 2, axis=0)))
    blitted = numpy(augment.blit_images(batch, np.repeat(matrix, 2, axis=0)))
    expected = np.pad(batch[:, :, ::-1], ((0, 0), (3, 0), (0, 0), (0, 0)), mode="reflect")[:, :size]
    np.testing.assert_array_equal(blitted, expected)
    assert np.corrcoef(resampled.ravel(), expected.ravel())[0, 1] > 0.9


def test_a_flat_colour_stays_flat_under_any_geometry():
    flat = np.full((64, SIZE, SIZE, 3), 0.25, "float32")
    moved = ada(flat, augment.ada_transforms(("bg",)))
    np.testing.assert_allclose(moved, 0.25, atol=1e-5)


# ------------------------------------------------------------------ colour, against NumPy


def test_brightness_adds_one_amount_per_image():
    batch = images(400, size=4)
    change = ada(batch, ("brightness",)) - batch
    np.testing.assert_allclose(change, change[:, :1, :1, :1] + 0 * change, atol=1e-5)
    assert np.std(change[:, 0, 0, 0]) == pytest.approx(augment.BRIGHTNESS_STD, rel=0.15)


def test_contrast_scales_about_mid_grey():
    batch = images(400, size=4)
    contrasted = ada(batch, ("contrast",))
    factors = contrasted[:, 0, 0, 0] / batch[:, 0, 0, 0]
    np.testing.assert_allclose(contrasted, batch * factors[:, None, None, None], rtol=1e-4, atol=1e-5)
    assert np.all(factors > 0)
    assert np.std(np.log2(factors)) == pytest.approx(augment.CONTRAST_STD, rel=0.15)


@pytest.mark.parametrize("channels", [1, 3])
def test_luma_flip_inverts_luma_and_keeps_colour(channels):
    batch = images(64, channels=channels)
    flipped = ada(batch, ("lumaflip",))
    grey = batch.mean(axis=-1, keepdims=True)
    inverted = batch - 2 * grey  # grey -g, distance from grey kept
    is_inverted = [np.allclose(out, image, atol=1e-5) is False and np.allclose(out, inv, atol=1e-5)
                   for out, image, inv in zip(flipped, batch, inverted)]  # fmt: skip
    is_kept = [np.array_equal(out, image) for out, image in zip(flipped, batch)]
    assert all(a or b for a, b in zip(is_inverted, is_kept))
    assert 16 < sum(is_inverted) < 48


def test_hue_rotation_keeps_luma_and_chroma_and_turns_the_colour():
    batch = images(32)
    turned = ada(batch, ("hue",))
    grey, turned_grey = batch.mean(-1, keepdims=True), turned.mean(-1, keepdims=True)
    np.testing.assert_allclose(turned_grey, grey, atol=1e-5)
    np.testing.assert_allclose(
        np.linalg.norm(turned - turned_grey, axis=-1), np.linalg.norm(batch - grey, axis=-1), atol=1e-5
    )
    assert np.abs(turned - batch).mean() > 0.1


def test_saturation_scales_the_distance_from_grey_and_zero_gives_grey():
    batch = images(400, size=4)
    saturated = ada(batch, ("saturation",))
    grey = batch.mean(-1, keepdims=True)
    factors = (saturated - grey)[:, 0, 0, 0] / (batch - grey)[:, 0, 0, 0]
    np.testing.assert_allclose(saturated, grey + factors[:, None, None, None] * (batch - grey), atol=1e-4)
    assert np.std(np.log2(factors)) == pytest.approx(augment.SATURATION_STD, rel=0.15)

    luma = np.array([1, 1, 1, 0]) / np.sqrt(3)
    no_saturation = np.outer(luma, luma) + np.diag([0, 0, 0, 1])  # the grey part only
    greyed = numpy(augment.apply_color_matrices(batch, no_saturation[None].astype("float32").repeat(400, 0)))
    np.testing.assert_allclose(greyed, np.repeat(grey, 3, axis=-1), atol=1e-5)


def test_colour_matrices_are_one_per_image():
    matrices, changed = augment.color_matrices(
        6, 3, augment.COLOR_TRANSFORMS, 1.0, keras.random.SeedGenerator(3)
    )
    matrices = numpy(matrices)
    assert matrices.shape == (6, 4, 4) and numpy(changed).all()
    np.testing.assert_array_equal(matrices[:, 3], np.broadcast_to([0, 0, 0, 1], (6, 4)))
    batch = images(6)
    expected = np.einsum("bij,bhwj->bhwi", matrices[:, :3, :3], batch) + matrices[:, None, None, :3, 3]
    np.testing.assert_allclose(numpy(augment.apply_color_matrices(batch, matrices)), expected, atol=1e-5)


# ------------------------------------------------------------------ gradients and training


@pytest.mark.parametrize("pipeline", ["blit", "geom", "bgc"])
def test_gradients_reach_the_images(pipeline):
    batch = tf.constant(images(4))
    weights = tf.constant(images(4, seed=1))
    seed = keras.random.SeedGenerator(0)
    with tf.GradientTape() as tape:
        tape.watch(batch)
        augmented = augment.augment_images(batch, (pipeline,), 1.0, seed)
        loss = tf.reduce_sum(augmented * weights)
    gradient = numpy(tape.gradient(loss, batch))
    assert np.all(np.isfinite(gradient))
    assert np.all(np.abs(gradient).sum(axis=(1, 2, 3)) > 0)  # every image, not just some


def test_pix2pix_pairs_move_together_under_ada_geometry():
    targets = images(6)
    inputs = targets[..., :1].copy()
    moved_inputs, moved_targets = augment.augment_geometry_together(
        [inputs, targets], ("bg",), 1.0, keras.random.SeedGenerator(0)
    )
    np.testing.assert_array_equal(numpy(moved_inputs), numpy(moved_targets)[..., :1])
    coloured = numpy(augment.augment_colors(targets, ("bgc",), 1.0, keras.random.SeedGenerator(0)))
    assert not np.allclose(coloured, targets)


def test_a_gan_trains_with_adaptive_bgc_and_saves(tmp_path):
    shape = (SIZE * 2, SIZE * 2, 3)
    gan = GAN(
        dcgan_generator(shape, latent_dim=8, base_filters=8),
        dcgan_discriminator(shape, base_filters=8),
        augment="bgc", ada=True, augment_probability=0.5, ada_interval=1, seed=0,
        ada_target=-1.5,  # below any E[sign(D(real))]: p must rise at every step
    )  # fmt: skip
    gan.compile()
    history = gan.fit(images(8, size=SIZE * 2), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1]) and np.isfinite(history.history["g_loss"][-1])
    step_size = 4 / (gan.ada_kimg * 1000)  # a batch of 4 images per adjustment
    assert float(gan.augment_probability.numpy()) == pytest.approx(0.5 + 2 * step_size, abs=1e-6)

    config = json.loads(json.dumps(gan.get_config()))
    assert config["augment"] == ["bgc"] and config["ada"] is True
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert loaded.augmentations == ("bgc",)
    assert float(loaded.augment_probability.numpy()) == pytest.approx(float(gan.augment_probability.numpy()))
    latents = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    np.testing.assert_allclose(
        loaded.generator.predict(latents, verbose=0), gan.generator.predict(latents, verbose=0), atol=1e-6
    )
    loaded.compile()
    loaded.fit(images(4, size=SIZE * 2), batch_size=4, epochs=1, verbose=0)  # and trains on
