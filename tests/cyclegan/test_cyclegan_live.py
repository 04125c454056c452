"""A CycleGAN generator runs live as a pix2pix one does, and exports to SavedModel and TFLite."""

import cv2
import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.models.cyclegan import resnet_generator

FRAMES = 20


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A small A -> B generator saved as a run folder names it."""
    path = tmp_path_factory.mktemp("cyclegan_run") / "generator_a2b-000001.keras"
    resnet_generator(32, channels=3, base_filters=4, residual_blocks=1, name="generator_a2b").save(path)
    return path


@pytest.fixture(scope="module")
def video(mnist_npz, tmp_path_factory):
    """A 20-frame MJPG clip of real MNIST digits, 80 x 60 pixels, in colour."""
    with np.load(mnist_npz) as arrays:
        digits = arrays["x_train"][:FRAMES]
    path = tmp_path_factory.mktemp("clip") / "digits.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (80, 60))
    for digit in digits:
        frame = cv2.resize(np.stack([digit] * 3, axis=-1), (80, 60))
        writer.write(frame)
    writer.release()
    return path


def frames_in(path):
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count


def test_live_on_a_video_file_writes_as_many_frames_as_it_reads(snapshot, video, tmp_path, capsys):
    assert frames_in(video) == FRAMES
    output = tmp_path / "live.avi"
    status = main(["live", "--generator", str(snapshot), "--source", str(video),
                   "--output", str(output), "--smooth", "0"])
    printed = capsys.readouterr().out
    assert status == 0
    assert f"Read {FRAMES} frames" in printed and f"Wrote {FRAMES} frames" in printed
    assert frames_in(output) == FRAMES


def test_export_gives_the_generators_outputs(snapshot, tmp_path, capsys):
    import keras

    from kerasgan.snapshots.export import load_saved_model

    status = main(["export", "--generator", str(snapshot), "--out", str(tmp_path / "exported")])
    assert status == 0, capsys.readouterr().err
    inputs = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    expected = keras.models.load_model(snapshot)(inputs).numpy()
    np.testing.assert_allclose(load_saved_model(tmp_path / "exported")(inputs), expected, atol=1e-5)
