"""Latent walks with `kerasgan generate --interpolate`: seeds, latent files, loops, lerp and slerp."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageSequence

from kerasgan import images
from kerasgan.snapshots import sampling
from kerasgan.cli import main
from kerasgan.models.dcgan import dcgan_generator

LATENT_DIM = 8


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(0)
    generator = dcgan_generator((28, 28, 1), latent_dim=LATENT_DIM, base_filters=8, batch_norm=False)
    # Larger kernels give images with contrast, so different latents draw visibly different frames.
    for layer in generator.layers:
        if hasattr(layer, "kernel"):
            layer.kernel.assign(layer.kernel * 3.0)
    path = tmp_path_factory.mktemp("walk") / "generator.keras"
    generator.save(path)
    return path, generator


def gif_frames(path):
    with Image.open(path) as gif:
        return np.stack([np.asarray(frame.convert("L")) for frame in ImageSequence.Iterator(gif)])


def walk_cli(snapshot_path, out, *options):
    argv = ["generate", "--snapshot", str(snapshot_path), "--interpolate", "--out", str(out)]
    return main(argv + [str(option) for option in options])


def test_frame_counts_with_and_without_the_loop(snapshot, tmp_path):
    path = snapshot[0]
    assert walk_cli(path, tmp_path / "loop.gif", "--seeds", "1,5,9", "--steps", 4) == 0
    assert walk_cli(path, tmp_path / "open.gif", "--seeds", "1,5,9", "--steps", 4, "--no-loop") == 0
    assert len(gif_frames(tmp_path / "loop.gif")) == 3 * 4
    assert len(gif_frames(tmp_path / "open.gif")) == 2 * 4 + 1
    assert walk_cli(path, tmp_path / "loop.mp4", "--seeds", "1,5,9", "--steps", 4) == 0
    video = cv2.VideoCapture(str(tmp_path / "loop.mp4"))
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    video.release()


@pytest.mark.parametrize("method", ["slerp", "lerp"])
def test_a_loop_closes_and_an_open_walk_ends_on_its_last_keyframe(method):
    keyframes = sampling.latents_for_seeds([1, 5, 9], LATENT_DIM)
    loop = sampling.walk(keyframes, 6, method=method, loop=True)
    # The first frame is the first keyframe, and the last frame leads into it: one more
    # step of the last leg (from keyframe 9 back to keyframe 1) lands exactly on it.
    np.testing.assert_allclose(loop[0], keyframes[0], atol=1e-6)
    interpolate = sampling.slerp if method == "slerp" else sampling.lerp
    last_leg = interpolate(keyframes[2], keyframes[0], np.arange(7) / 6)
    np.testing.assert_allclose(loop[-1], last_leg[5], atol=1e-5)
    np.testing.assert_allclose(last_leg[6], keyframes[0], atol=1e-5)
    step_back_to_start = np.linalg.norm(loop[-1] - loop[0])
    steps_in_last_leg = np.linalg.norm(np.diff(loop[-6:], axis=0), axis=1)
    assert step_back_to_start == pytest.approx(steps_in_last_leg.mean(), rel=0.2)
    open_walk = sampling.walk(keyframes, 6, method=method, loop=False)
    np.testing.assert_allclose(open_walk[-1], keyframes[-1], atol=1e-6)


def test_lerp_and_slerp_take_different_paths(snapshot, tmp_path):
    keyframes = sampling.latents_for_seeds([1, 5], LATENT_DIM)
    straight = sampling.walk(keyframes, 8, method="lerp", loop=False)
    arc = sampling.walk(keyframes, 8, method="slerp", loop=False)
    np.testing.assert_allclose(straight[[0, -1]], arc[[0, -1]], atol=1e-6)
    # Halfway, the straight line cuts inside the sphere; the arc keeps the length.
    assert np.linalg.norm(straight[4]) < np.linalg.norm(arc[4])
    path = snapshot[0]
    assert walk_cli(path, tmp_path / "lerp.gif", "--seeds", "1,5", "--steps", 8, "--method", "lerp") == 0
    assert walk_cli(path, tmp_path / "slerp.gif", "--seeds", "1,5", "--steps", 8) == 0
    lerp_frames, slerp_frames = gif_frames(tmp_path / "lerp.gif"), gif_frames(tmp_path / "slerp.gif")
    np.testing.assert_array_equal(lerp_frames[0], slerp_frames[0])
    assert np.abs(lerp_frames[4].astype(int) - slerp_frames[4].astype(int)).max() > 0


def test_a_walk_through_latent_files_starts_and_ends_on_their_images(snapshot, tmp_path, capsys):
    path, generator = snapshot
    first, second = sampling.latents_for_seeds([11, 12], LATENT_DIM)
    np.save(tmp_path / "a.npy", first)
    np.save(tmp_path / "b.npy", second[np.newaxis])  # (1, latent_dim) works too
    out = tmp_path / "ab.gif"
    status = walk_cli(
        path, out, "--latents", tmp_path / "a.npy", tmp_path / "b.npy", "--steps", 5, "--no-loop"
    )
    assert status == 0, capsys.readouterr().err
    frames = gif_frames(out)
    assert len(frames) == 6
    expected = images.to_uint8(generator.predict(np.stack([first, second]), verbose=0))[..., 0]
    np.testing.assert_array_equal(frames[0], expected[0])
    np.testing.assert_array_equal(frames[-1], expected[1])
    # Seeds come first, then the files: three keyframes, a closed loop.
    assert walk_cli(path, tmp_path / "mixed.gif", "--seeds", 3, "--latents", tmp_path / "a.npy",
                    tmp_path / "b.npy", "--steps", 2) == 0
    assert len(gif_frames(tmp_path / "mixed.gif")) == 6
    assert "through 3 keyframes (slerp, looping back to the first)" in capsys.readouterr().out


def test_a_latent_file_of_the_wrong_length_is_one_sentence(snapshot, tmp_path, capsys):
    np.save(tmp_path / "long.npy", np.zeros(LATENT_DIM + 1, "float32"))
    status = walk_cli(snapshot[0], tmp_path / "x.gif", "--seeds", 1, "--latents", tmp_path / "long.npy")
    assert status == 2
    assert "takes latent vectors of length 8" in capsys.readouterr().err
    assert walk_cli(snapshot[0], tmp_path / "x.gif", "--latents", tmp_path / "missing.npy") == 2
    assert "There is no latent file" in capsys.readouterr().err
    assert not (tmp_path / "x.gif").exists()


def test_latent_files_also_make_a_grid(snapshot, tmp_path):
    np.save(tmp_path / "two.npy", sampling.latents_for_seeds([1, 2], LATENT_DIM))
    out = tmp_path / "grid.png"
    status = main(["generate", "--snapshot", str(snapshot[0]), "--latents", str(tmp_path / "two.npy"),
                   "--out", str(out)])
    assert status == 0
    assert cv2.imread(str(out)).shape[:2] == (2 + 28 + 2, 2 + 2 * (28 + 2))


def test_a_conditional_generator_walks_within_its_class(tmp_path):
    from kerasgan.models.conditional_gan import conditional_generator

    generator = conditional_generator(
        (28, 28, 1), num_classes=3, latent_dim=LATENT_DIM, base_filters=8, class_names=["a", "b", "c"]
    )
    path = tmp_path / "cgan.keras"
    generator.save(path)
    np.save(tmp_path / "found.npy", sampling.latents_for_seeds([4], LATENT_DIM))
    out = tmp_path / "b.gif"
    assert walk_cli(path, out, "--class", "b", "--seeds", 1, "--latents", tmp_path / "found.npy",
                    "--steps", 3) == 0
    assert len(gif_frames(out)) == 6
    morph = tmp_path / "morph.gif"
    status = main(["generate", "--snapshot", str(path), "--interpolate-classes", "a", "c",
                   "--latents", str(tmp_path / "found.npy"), "--steps", "3", "--out", str(morph)])
    assert status == 0 and len(gif_frames(morph)) == 6
