"""`kerasgan generate` on StyleGAN2 snapshots: truncation, noise modes, projected ws, style mixing
grids and walks in W (kerasgan/snapshots/stylegan2_sampling.py), and one sentence for each misuse."""

import cv2
import keras
import numpy as np
import pytest
from PIL import Image, ImageSequence

from kerasgan import images
from kerasgan.snapshots import sampling
from kerasgan.snapshots import stylegan2_sampling as sg2
from kerasgan.cli import main
from kerasgan.models.stylegan2_networks import stylegan2_generator

# 32 px, one channel (GIF frames stay exact): 8 ws of 16 numbers.
TINY = dict(latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128, channel_max=16)
NUM_WS, W_DIM, SIZE = 8, 16, 32


def tiny_generator(**options):
    keras.utils.set_random_seed(0)
    generator = stylegan2_generator(SIZE, 1, **TINY, **options)
    # A trained mapping's w_avg is far from 0, and trained noise has a strength: set both,
    # so truncation and the noise mode change the images.
    w_avg = np.random.default_rng(3).standard_normal(W_DIM).astype("float32")
    generator.get_layer("mapping").w_avg.assign(w_avg)
    for layer in generator.get_layer("synthesis").conv1_layers:
        layer.noise_strength.assign(0.5)
    return generator


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    generator = tiny_generator()
    path = tmp_path_factory.mktemp("stylegan2") / "generator.keras"
    generator.save(path)
    return path, sampling.load_snapshot(path)


def generate(snapshot_path, *options):
    return main(["generate", "--snapshot", str(snapshot_path)] + [str(option) for option in options])


def read_png(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def gif_frames(path):
    with Image.open(path) as gif:
        return np.stack([np.asarray(frame.convert("L")) for frame in ImageSequence.Iterator(gif)])


def as_png_pixels(generated):
    return images.to_uint8(generated)[..., 0]


# ------------------------------------------------------------------ truncation (acceptance 1)


def test_psi_zero_draws_the_same_image_for_every_seed(snapshot, tmp_path):
    path, generator = snapshot
    assert generate(path, "--seeds", "0-3", "--trunc", 0, "--outdir", tmp_path / "zero") == 0
    zero = [read_png(tmp_path / "zero" / f"seed{seed:04d}.png") for seed in range(4)]
    for image in zero[1:]:
        np.testing.assert_array_equal(image, zero[0])
    # It is the image of w_avg itself, and without truncation the seeds differ.
    average = sg2.synthesize(generator, np.broadcast_to(sg2.w_average(generator), (1, NUM_WS, W_DIM)))
    np.testing.assert_array_equal(zero[0], as_png_pixels(average)[0])
    assert generate(path, "--seeds", "0-3", "--outdir", tmp_path / "free") == 0
    free = [read_png(tmp_path / "free" / f"seed{seed:04d}.png") for seed in range(4)]
    assert min(np.abs(free[0].astype(int) - image).mean() for image in free[1:]) > 5


def test_psi_one_draws_the_untruncated_image_of_the_plain_keras_model(snapshot, tmp_path):
    path, generator = snapshot
    assert generate(path, "--seeds", "1,2", "--trunc", 1, "--outdir", tmp_path / "one") == 0
    z = sampling.latents_for_seeds([1, 2], TINY["latent_dim"])
    plain = as_png_pixels(np.asarray(generator(z)))  # z -> mapping -> synthesis, no truncation
    for index, seed in enumerate((1, 2)):
        np.testing.assert_array_equal(read_png(tmp_path / "one" / f"seed{seed:04d}.png"), plain[index])


def test_the_distance_to_w_avg_scales_by_psi_and_the_cutoff_keeps_the_later_ws(snapshot, tmp_path):
    path, generator = snapshot
    w_avg = sg2.w_average(generator)
    free = sg2.ws_for_seeds(generator, [4, 5, 6], truncation_psi=1.0)
    free_distance = np.linalg.norm(free - w_avg, axis=-1)
    assert free_distance.min() > 1.0
    for psi in (0.25, 0.5, 0.8):
        ws = sg2.ws_for_seeds(generator, [4, 5, 6], truncation_psi=psi)
        np.testing.assert_allclose(np.linalg.norm(ws - w_avg, axis=-1), psi * free_distance, rtol=1e-4)
        np.testing.assert_allclose(ws - w_avg, psi * (free - w_avg), atol=1e-5)
    cut = sg2.ws_for_seeds(generator, [4, 5, 6], truncation_psi=0.5, truncation_cutoff=3)
    np.testing.assert_allclose(cut[:, :3] - w_avg, 0.5 * (free[:, :3] - w_avg), atol=1e-5)
    np.testing.assert_array_equal(cut[:, 3:], free[:, 3:])
    # The command draws exactly those ws.
    out = tmp_path / "cut.png"
    assert generate(path, "--seeds", "4,5,6", "--trunc", 0.5, "--trunc-cutoff", 3, "--out", out) == 0
    expected = images.make_grid(sg2.synthesize(generator, cut))
    np.testing.assert_array_equal(read_png(out)[..., ::-1], expected)


def test_noise_modes(snapshot, tmp_path):
    path, _ = snapshot
    for mode in ("const", "none", "random"):
        assert generate(path, "--seeds", 7, "--noise-mode", mode, "--outdir", tmp_path / mode) == 0
    assert generate(path, "--seeds", 7, "--outdir", tmp_path / "default") == 0
    assert generate(path, "--seeds", 7, "--noise-mode", "random", "--outdir", tmp_path / "again") == 0
    picture = {name: read_png(tmp_path / name / "seed0007.png").astype(int)
               for name in ("const", "none", "random", "default", "again")}
    np.testing.assert_array_equal(picture["const"], picture["default"])  # kerasgan's default
    assert np.abs(picture["const"] - picture["none"]).max() > 0
    assert np.abs(picture["random"] - picture["again"]).max() > 0  # fresh noise at every call


# ------------------------------------------------------------------ projected ws


def test_projected_ws_of_every_shape_a_projector_writes(snapshot, tmp_path):
    path, generator = snapshot
    rng = np.random.default_rng(9)
    one_w, w_plus = rng.standard_normal(W_DIM), rng.standard_normal((NUM_WS, W_DIM))
    several = rng.standard_normal((2, NUM_WS, W_DIM))
    for name, array in (("w.npy", one_w), ("w_plus.npy", w_plus), ("several.npy", several)):
        np.save(tmp_path / name, array.astype("float32"))
    np.testing.assert_allclose(sg2.load_projected_ws(tmp_path / "w.npy", generator),
                               np.broadcast_to(one_w, (1, NUM_WS, W_DIM)), atol=1e-6)
    assert sg2.load_projected_ws(tmp_path / "several.npy", generator).shape == (2, NUM_WS, W_DIM)
    # One file, one image, the picture itself (no grid border), untruncated by --trunc.
    out = tmp_path / "me.png"
    assert generate(path, "--projected-w", tmp_path / "w_plus.npy", "--trunc", 0.5, "--out", out) == 0
    expected = sg2.synthesize(generator, w_plus[np.newaxis].astype("float32"))
    np.testing.assert_array_equal(read_png(out), as_png_pixels(expected)[0])


# ------------------------------------------------------------------ style mixing (acceptance 2)


def tile(grid, row, column, size=SIZE, padding=2):
    top, left = padding + row * (size + padding), padding + column * (size + padding)
    return grid[top : top + size, left : left + size]


def test_each_cell_takes_the_listed_styles_from_its_row_and_the_rest_from_its_column(snapshot):
    _, generator = snapshot
    row_ws = sg2.ws_for_seeds(generator, [85, 100, 75], truncation_psi=0.9)
    column_ws = sg2.ws_for_seeds(generator, [55, 821], truncation_psi=0.9)
    styles = [0, 1, 2, 3]  # the coarse half of 8 ws
    grid = sg2.style_mixing_grid(generator, row_ws, column_ws, styles)
    assert grid.cell_ws.shape == (3, 2, NUM_WS, W_DIM)
    for row in range(3):
        for column in range(2):
            for layer in range(NUM_WS):
                source = row_ws[row] if layer in styles else column_ws[column]
                np.testing.assert_array_equal(grid.cell_ws[row, column, layer], source[layer])
    # The picture: a black corner, the column sources on top, the row sources on the left,
    # and every cell drawn from its ws, tile by tile.
    picture = grid.image
    assert picture.shape == (2 + 4 * (SIZE + 2), 2 + 3 * (SIZE + 2), 3)
    assert tile(picture, 0, 0).max() == 0
    tiles = lambda generated: images.to_uint8(np.repeat(generated, 3, axis=-1))
    for column, expected in enumerate(tiles(sg2.synthesize(generator, column_ws))):
        np.testing.assert_array_equal(tile(picture, 0, column + 1), expected)
    for row, expected in enumerate(tiles(sg2.synthesize(generator, row_ws))):
        np.testing.assert_array_equal(tile(picture, row + 1, 0), expected)
        cells = tiles(sg2.synthesize(generator, grid.cell_ws[row]))
        for column in range(2):
            np.testing.assert_array_equal(tile(picture, row + 1, column + 1), cells[column])
    # A cell is a mix: it differs from both of its sources.
    assert np.abs(tile(picture, 1, 1).astype(int) - tile(picture, 1, 0)).mean() > 1
    assert np.abs(tile(picture, 1, 1).astype(int) - tile(picture, 0, 1)).mean() > 1
    # Every style from the row: each cell is its row source.
    everything = sg2.style_mixing_grid(generator, row_ws, column_ws, range(NUM_WS))
    for row in range(3):
        for column in range(2):
            np.testing.assert_array_equal(tile(everything.image, row + 1, column + 1),
                                          tile(everything.image, row + 1, 0))


def test_the_style_mix_command_writes_the_grid_of_its_rows_and_columns(snapshot, tmp_path, capsys):
    path, generator = snapshot
    out = tmp_path / "mix.png"
    status = generate(path, "--style-mix", "--rows", "85,100,75", "--cols", "55,821", "--styles",
                      "0-3", "--trunc", 0.9, "--out", out)
    assert status == 0, capsys.readouterr().err
    assert "each cell takes ws 0-3 (of 0-7) from its row source" in capsys.readouterr().out
    expected = sg2.style_mixing_grid(
        generator, sg2.ws_for_seeds(generator, [85, 100, 75], truncation_psi=0.9),
        sg2.ws_for_seeds(generator, [55, 821], truncation_psi=0.9), range(4))
    np.testing.assert_array_equal(read_png(out)[..., ::-1], expected.image)
    # Its sources are the images `--seeds` draws for the same seeds.
    assert generate(path, "--seeds", "100,821", "--trunc", 0.9, "--outdir", tmp_path / "seeds") == 0
    np.testing.assert_array_equal(tile(read_png(out), 2, 0)[..., 0],
                                  read_png(tmp_path / "seeds" / "seed0100.png"))
    np.testing.assert_array_equal(tile(read_png(out), 0, 2)[..., 0],
                                  read_png(tmp_path / "seeds" / "seed0821.png"))


# ------------------------------------------------------------------ walks in W


def test_a_walk_in_w_goes_from_a_seeds_truncated_w_to_a_projected_w(snapshot, tmp_path, capsys):
    path, generator = snapshot
    projected = np.random.default_rng(2).standard_normal((NUM_WS, W_DIM)).astype("float32")
    np.save(tmp_path / "projected_w.npy", projected)
    out = tmp_path / "walk.gif"
    status = generate(path, "--seeds", 3, "--projected-w", tmp_path / "projected_w.npy", "--trunc",
                      0.7, "--interpolate", "--steps", 3, "--no-loop", "--out", out)
    assert status == 0, capsys.readouterr().err
    assert "through 2 keyframes in W (lerp, ending on the last)" in capsys.readouterr().out
    start = sg2.ws_for_seeds(generator, [3], truncation_psi=0.7)[0]
    path_ws = np.stack([start + fraction * (projected - start) for fraction in (0, 1 / 3, 2 / 3, 1)])
    np.testing.assert_array_equal(gif_frames(out), as_png_pixels(sg2.synthesize(generator, path_ws)))
    # Looping, and slerp: the frame counts of every walk.
    assert generate(path, "--seeds", "1,2,3", "--interpolate", "--steps", 2, "--method", "slerp",
                    "--out", tmp_path / "loop.gif") == 0
    assert len(gif_frames(tmp_path / "loop.gif")) == 6
    # Truncation applies to the keyframes: at psi 0 every frame is the average image.
    assert generate(path, "--seeds", "1,2", "--trunc", 0, "--interpolate", "--steps", 3,
                    "--out", tmp_path / "still.gif") == 0
    # (Pillow merges equal consecutive GIF frames into one longer frame; lerp between two equal
    # ws rounds in the last float32 bit, which may move a pixel by one grey level.)
    still = gif_frames(tmp_path / "still.gif").astype(int)
    assert np.abs(still - still[0]).max() <= 1
    assert "Wrote 6 frames through 2 keyframes in W" in capsys.readouterr().out


# ------------------------------------------------------------------ conditional StyleGAN2


def test_a_conditional_stylegan2_draws_the_chosen_class_in_w(tmp_path, capsys):
    generator = tiny_generator(num_classes=3, class_names=["a", "b", "c"])
    path = tmp_path / "conditional.keras"
    generator.save(path)
    out = tmp_path / "b.png"
    assert generate(path, "--class", "b", "--seeds", "0,1", "--trunc", 0.8, "--out", out) == 0
    z = sampling.latents_for_seeds([0, 1], TINY["latent_dim"])
    ws = sg2.map_to_ws(generator, z, np.array([1, 1]), truncation_psi=0.8)
    expected = images.make_grid(sg2.synthesize(generator, ws))
    np.testing.assert_array_equal(read_png(out)[..., ::-1], expected)
    assert generate(path, "--interpolate-classes", "a", "c", "--seeds", 0, "--steps", 2,
                    "--out", tmp_path / "morph.gif") == 0
    assert len(gif_frames(tmp_path / "morph.gif")) == 4
    capsys.readouterr()
    assert generate(path, "--style-mix", "--rows", 1, "--cols", 2, "--out", tmp_path / "mix.png") == 2
    assert "is a conditional generator: add --class with one of a, b, c." in capsys.readouterr().err


# ------------------------------------------------------------------ misuse (acceptance 5)


@pytest.mark.parametrize("psi", ["1.5", "-0.1"])
def test_a_psi_outside_zero_to_one_is_one_sentence(snapshot, tmp_path, capsys, psi):
    out = tmp_path / "grid.png"
    assert generate(snapshot[0], "--trunc", psi, "--out", out) == 2
    error = capsys.readouterr().err
    assert f"must be between 0 (the average image) and 1 (no truncation); got {psi}" in error
    assert error.count("\n") == 1 and not out.exists()


def test_styles_and_cutoffs_outside_the_models_ws_are_one_sentence(snapshot, tmp_path, capsys):
    out = tmp_path / "mix.png"
    assert generate(snapshot[0], "--style-mix", "--rows", 1, "--cols", 2, "--styles", "0-8",
                    "--out", out) == 2
    error = capsys.readouterr().err
    assert "--styles names ws 8, but this generator has 8 ws, numbered 0 to 7" in error
    assert error.count("\n") == 1 and not out.exists()
    assert generate(snapshot[0], "--trunc", 0.5, "--trunc-cutoff", 9, "--out", out) == 2
    assert "this generator has 8 ws, so it must be between 1 and 8; got 9" in capsys.readouterr().err
    assert generate(snapshot[0], "--rows", 1, "--out", out) == 2
    assert "--rows belong to a style mixing grid: add --style-mix" in capsys.readouterr().err


def test_a_projected_w_of_the_wrong_shape_names_both_shapes(snapshot, tmp_path, capsys):
    np.save(tmp_path / "wrong.npy", np.zeros((NUM_WS + 1, W_DIM), "float32"))
    out = tmp_path / "me.png"
    assert generate(snapshot[0], "--projected-w", tmp_path / "wrong.npy", "--out", out) == 2
    error = capsys.readouterr().err
    assert "holds an array shaped (9, 16), but this generator takes ws shaped (8, 16)" in error
    assert error.count("\n") == 1 and not out.exists()


def test_stylegan2_flags_on_other_generators_are_one_sentence_and_their_own_flags_work(
    tmp_path, capsys
):
    from kerasgan.models.conditional_gan import conditional_generator
    from kerasgan.models.dcgan import dcgan_generator
    from kerasgan.models.pix2pix import unet_generator

    dcgan = tmp_path / "dcgan.keras"
    dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8).save(dcgan)
    out = tmp_path / "out.png"
    assert generate(dcgan, "--trunc", 0.7, "--out", out) == 2
    error = capsys.readouterr().err
    assert "--trunc applies to StyleGAN2 snapshots; this is a DCGAN generator" in error
    assert error.count("\n") == 1
    assert generate(dcgan, "--style-mix", "--rows", 1, "--cols", 2, "--out", out) == 2
    assert ("--style-mix, --rows and --cols apply to StyleGAN2 snapshots; this is a DCGAN "
            "generator") in capsys.readouterr().err
    assert not out.exists()
    assert generate(dcgan, "--seeds", "0-3", "--out", out) == 0 and out.exists()

    cgan = tmp_path / "cgan.keras"
    conditional_generator((28, 28, 1), num_classes=2, latent_dim=8, base_filters=8).save(cgan)
    assert generate(cgan, "--class", 1, "--noise-mode", "none", "--out", tmp_path / "c.png") == 2
    assert ("--noise-mode applies to StyleGAN2 snapshots; this is a conditional GAN generator"
            in capsys.readouterr().err)
    assert generate(cgan, "--class", 1, "--num", 4, "--out", tmp_path / "c.png") == 0

    pix2pix = tmp_path / "pix2pix.keras"
    unet_generator(64, input_channels=1, output_channels=1, base_filters=4).save(pix2pix)
    assert generate(pix2pix, "--projected-w", tmp_path / "w.npy", "--out", out) == 2
    assert ("--projected-w applies to StyleGAN2 snapshots; this is a pix2pix generator"
            in capsys.readouterr().err)
