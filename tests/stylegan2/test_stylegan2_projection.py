"""Projection into StyleGAN2: the generator's own image is found again in W and W+, the search
leaves the snapshot as it was, and `kerasgan project` writes its folder or says what is wrong."""

import json

import cv2
import numpy as np
import pytest
from PIL import Image

from kerasgan import images
from kerasgan.snapshots import projection
from kerasgan.cli import main
from kerasgan.models.dcgan import dcgan_generator
from kerasgan.models.stylegan2_networks import stylegan2_generator
from kerasgan.snapshots.stylegan2_projection import (
    learning_rate_ramp,
    noise_regularization,
    project_stylegan2,
    w_statistics,
)

# 32 px RGB, 8 ws of 16 numbers: the tiny generator of tests/stylegan2/test_stylegan2_model.py.
TINY = dict(latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128, channel_max=16)
NUM_WS, W_DIM = 8, 16


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A tiny StyleGAN2 generator saved as a snapshot, a w drawn from it, and that w's image."""
    import keras

    keras.utils.set_random_seed(0)
    generator = stylegan2_generator(32, 3, seed=1, **TINY)
    path = tmp_path_factory.mktemp("stylegan2_projection") / "generator.keras"
    generator.save(path)
    latents = np.random.default_rng(5).standard_normal((2, 16)).astype("float32")
    ws = np.asarray(generator.get_layer("mapping")(latents))
    drawn = np.asarray(generator.get_layer("synthesis")(ws, noise_mode="const"))
    return path, generator, ws[0], drawn[0], drawn[1]


def test_w_plus_recovers_the_generators_own_image(snapshot):
    _, generator, true_ws, target, unrelated = snapshot
    w_mean, _ = w_statistics(generator)
    result = project_stylegan2(generator, target, space="w+", steps=300)
    unrelated_mse = float(np.mean(np.square(unrelated - target)) / 4)
    # Measured on three targets (this one first): PSNR 62.5, 52.0 and 53.1 dB; an unrelated
    # image of the generator is 7.5 dB (pixel MSE 0.18) from this target.
    assert result.psnr > 40 and result.pixel_mse < unrelated_mse / 1000
    assert result.ws.shape == (NUM_WS, W_DIM) and result.image.shape == (32, 32, 3)
    assert not np.allclose(result.ws, result.ws[:1])  # one w per layer
    # Each layer's w ends near the w that drew the target: measured 0.025, 0.073 and 0.074
    # of the start's distance (on average over the layers).
    layer_distances = np.linalg.norm(result.ws - true_ws, axis=1)
    assert layer_distances.mean() < 0.25 * np.linalg.norm(true_ws[0] - w_mean)
    assert len(result.distances) == 300 and result.distances[-1] < result.distances[0] / 1000
    # A frame every 10 steps (0, 10, ..., 290) and the result.
    assert result.frames.shape == (31, 32, 32, 3) and result.frame_steps[-1] == 300
    np.testing.assert_allclose(result.frames[-1], result.image)


def test_w_recovers_the_true_w(snapshot):
    _, generator, true_ws, target, _ = snapshot
    w_mean, _ = w_statistics(generator)
    result = project_stylegan2(generator, target, space="w", steps=200)
    # One w for every layer, close to the w that drew the target.
    assert np.allclose(result.ws, result.ws[:1])
    start_distance = np.linalg.norm(true_ws[0] - w_mean)
    # Measured on three targets: PSNR 63.4, 53.1 and 76.3 dB; distance to the true w
    # 0.002, 0.004 and 0.0004 of the start's.
    assert np.linalg.norm(result.ws[0] - true_ws[0]) < 0.05 * start_distance
    assert result.psnr > 40


def test_the_projected_ws_draw_the_projected_image_and_the_snapshot_is_unchanged(snapshot):
    _, generator, _, target, _ = snapshot
    synthesis = generator.get_layer("synthesis")
    # Strong noise, so that the searched noise images would show if they stayed behind.
    layers = synthesis.conv0_layers + synthesis.conv1_layers
    strengths = [layer.noise_strength.numpy() for layer in layers]
    for layer in layers:
        layer.noise_strength.assign(0.5)
    try:
        before = [weight.numpy().copy() for weight in generator.weights]
        result = project_stylegan2(generator, target, steps=12, frame_every=4)
        after = [weight.numpy() for weight in generator.weights]
        for old, new in zip(before, after):
            np.testing.assert_array_equal(old, new)
        again = np.asarray(synthesis(result.ws[np.newaxis], noise_mode="const"))[0]
        np.testing.assert_allclose(again, result.image, atol=1e-5)
        assert result.frames.shape[0] == 4  # steps 0, 4, 8 and the result
    finally:
        for layer, strength in zip(layers, strengths):
            layer.noise_strength.assign(strength)


def test_the_learning_rate_ramps_up_then_down_and_white_noise_is_not_penalised():
    ramp = [learning_rate_ramp(step, 100) for step in range(100)]
    assert ramp[0] == 0 and ramp[1] == pytest.approx(0.2) and ramp[5] == 1 and ramp[74] == 1
    assert ramp[75] == 1 and ramp[87] == pytest.approx(0.5 - 0.5 * np.cos(0.52 * np.pi))
    assert 0 < ramp[99] < 0.01
    random = np.random.default_rng(0)
    white = random.standard_normal((64, 64, 1)).astype("float32")
    smooth = cv2.GaussianBlur(white, (0, 0), 3)[..., np.newaxis]
    smooth = (smooth - smooth.mean()) / smooth.std()
    assert float(noise_regularization([white])) < 1e-3
    assert float(noise_regularization([smooth])) > 1.0


def test_project_cli_writes_the_folder_for_a_stylegan2_snapshot(snapshot, tmp_path, capsys):
    path, generator, _, target, _ = snapshot
    # A photo of another size and shape: 48x40, cropped to 40x40 and resized to 32x32.
    photo = tmp_path / "face.png"
    wide = cv2.resize(images.to_uint8(target), (40, 40), interpolation=cv2.INTER_CUBIC)
    images.save_image(photo, np.concatenate([wide[:, :4], wide, wide[:, -4:]], axis=1))
    out = tmp_path / "found"
    status = main(
        ["project", "--snapshot", str(path), "--target", str(photo), "--space", "w+",
         "--steps", "20", "--frame-every", "5", "--progress-every", "10", "--outdir", str(out)]
    )
    output = capsys.readouterr().out
    assert status == 0
    lines = output.splitlines()
    assert lines[0] == (
        "Note: face.png was center-cropped from 48x40 to 40x40 and resized from 40x40 to the "
        "generator's 32x32."
    )
    assert [line.split(":")[0] for line in lines if line.startswith("step ")] == [
        "step 10/20", "step 20/20"
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.png", "projected.png", "projected_w.npy", "projection.gif", "projection.json",
        "target.png",
    ]
    projected_w = np.load(out / "projected_w.npy")
    assert projected_w.shape == (NUM_WS, W_DIM) and projected_w.dtype == np.float32
    report = json.loads((out / "projection.json").read_text())
    assert report["space"] == "w+" and report["steps"] == 20 and report["seed"] == 0
    assert len(report["distance_history"]) == 20
    assert report["distance"] < report["distance_history"][0]
    # The PSNR in the report is the projected image's against the fitted target.
    fitted, _ = projection.load_target(photo, (32, 32, 3))
    drawn = np.asarray(generator.get_layer("synthesis")(projected_w[np.newaxis]))[0]
    assert report["psnr_db"] == pytest.approx(projection.pixel_error(drawn, fitted)[1], abs=0.01)
    assert cv2.imread(str(out / "projected.png")).shape == (32, 32, 3)
    with Image.open(out / "projection.gif") as gif:
        assert gif.n_frames == 5  # steps 0, 5, 10, 15 and the result


def test_bad_input_to_a_stylegan2_projection_is_one_sentence(snapshot, tmp_path, capsys):
    path, _, _, target, _ = snapshot
    gray = tmp_path / "gray.png"
    images.save_image(gray, target.mean(axis=-1, keepdims=True))
    cases = [
        (["--target", str(gray)],
         f"{gray} is a grayscale picture but the generator draws colour images: "
         "pass a colour photo."),
        (["--target", str(tmp_path / "missing.jpg")],
         f"There is no image at {tmp_path / 'missing.jpg'}: pass a PNG or JPEG file."),
        (["--target", str(gray), "--starts", "4"],
         f"--starts applies to DCGAN and conditional GAN snapshots; this is a StyleGAN2 generator "
         f"({path}), so drop it."),
    ]
    for options, sentence in cases:
        out = tmp_path / "never"
        status = main(["project", "--snapshot", str(path), "--outdir", str(out), *options])
        assert status == 2
        assert capsys.readouterr().err == f"kerasgan: error: {sentence}\n"
        assert not out.exists()
    # --space means nothing to a generator without W: said, not ignored.
    dcgan = tmp_path / "dcgan.keras"
    dcgan_generator((32, 32, 3), latent_dim=8, base_filters=4).save(dcgan)
    status = main(["project", "--snapshot", str(dcgan), "--target", str(gray), "--space", "w"])
    assert status == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: --space applies to StyleGAN2 snapshots; this is a DCGAN generator "
        f"({dcgan}), so drop it.\n"
    )


def test_vgg_without_a_download_is_one_sentence_for_stylegan2(monkeypatch, snapshot):
    import keras

    def no_internet(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...")

    monkeypatch.setattr(keras.applications, "VGG16", no_internet)
    with pytest.raises(ValueError) as raised:
        project_stylegan2(snapshot[1], snapshot[3], steps=1, perceptual="vgg")
    assert str(raised.value) == (
        "--perceptual vgg needs the ImageNet VGG16 weights, which Keras could not download "
        "(no internet?): use --perceptual multiscale, which needs no download."
    )
