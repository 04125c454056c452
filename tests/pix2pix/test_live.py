"""kerasgan live: a generator on every frame of a video, headless, and clear failures."""

import cv2
import numpy as np
import pytest

from kerasgan import images
from kerasgan.cli import main
from kerasgan.errors import KerasganError
from kerasgan.snapshots.live import TemporalSmoother, load_translator, run_live


def _count_frames(path):
    capture = cv2.VideoCapture(str(path))
    count, first = 0, None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        first = frame if first is None else first
        count += 1
    size = (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    capture.release()
    return count, size, first


@pytest.fixture(scope="module")
def short_clip(clip_frames, tmp_path_factory):
    """A 40-frame clip of real footage (every 5th frame of bikes.mp4), as an .avi file."""
    path = tmp_path_factory.mktemp("clips") / "bikes-short.avi"
    images.save_video(path, np.stack(clip_frames(40, size=96, every=5)), fps=10)
    return path


def test_live_on_a_video_file_writes_every_frame(generator_file, short_clip, tmp_path):
    generator, input_mode = load_translator(generator_file)
    assert input_mode.name == "edges"
    seen = []
    result = run_live(
        generator, short_clip, input_mode, output=tmp_path / "live.mp4", smooth=0.6,
        on_frame=lambda frames, fps: seen.append(frames),
    )  # fmt: skip
    assert result.frames_read == result.frames_written == 40 == len(seen)
    assert result.frames_per_second > 0
    count, size, first = _count_frames(tmp_path / "live.mp4")
    assert count == 40
    assert size == (3 * 256, 256)  # frame | input | output, 256-pixel panels
    # The middle panel is the edge map: mostly black, with white lines (up to compression).
    edges = first[:, 256:512]
    assert np.mean(edges < 60) > 0.5 and edges.max() > 200


def test_the_command_runs_headless(generator_file, short_clip, tmp_path, capsys):
    status = main(
        ["live", "--generator", str(generator_file), "--source", str(short_clip),
         "--output", str(tmp_path / "out.avi"), "--smooth", "0", "--max-frames", "12",
         "--panel-size", "64"]
    )  # fmt: skip
    assert status == 0
    out = capsys.readouterr().out
    assert "input: edges (Canny 100/200)" in out
    assert "Read 12 frames" in out and "Wrote 12 frames" in out
    assert _count_frames(tmp_path / "out.avi")[:2] == (12, (192, 64))


def test_a_camera_that_cannot_be_opened_is_one_sentence(generator_file, tmp_path, capsys):
    status = main(
        ["live", "--generator", str(generator_file), "--source", "9", "--output",
         str(tmp_path / "out.mp4")]
    )  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("kerasgan: error: Could not open camera 9: ")
    assert error[-1].count(". ") == 0 and error[-1].endswith(").")
    assert not (tmp_path / "out.mp4").exists()


def test_display_needs_a_screen_and_output_needs_a_video_name(generator_file, short_clip):
    generator, mode = load_translator(generator_file)
    with pytest.raises(KerasganError, match="--display needs a screen"):
        run_live(generator, short_clip, mode, display=True)
    with pytest.raises(ValueError, match="Nothing to show"):
        run_live(generator, short_clip, mode)
    with pytest.raises(ValueError, match="use a .mp4 or .avi file name"):
        run_live(generator, short_clip, mode, output="out.gif")
    with pytest.raises(ValueError, match="takes 1-channel inputs.*--input-mode"):
        run_live(generator, short_clip, None, output="out.mp4")


def test_a_dcgan_snapshot_is_not_a_translator(tmp_path):
    from kerasgan.models.dcgan import dcgan_generator

    dcgan_generator((32, 32, 3), latent_dim=16, base_filters=8).save(tmp_path / "g.keras")
    with pytest.raises(ValueError, match="is a DCGAN generator, which cannot run live"):
        load_translator(tmp_path / "g.keras")


def test_smoothing_is_an_exponential_moving_average():
    smoother = TemporalSmoother(0.6)
    assert smoother(np.full((2, 2), 1.0)) == pytest.approx(np.full((2, 2), 1.0))
    assert smoother(np.zeros((2, 2)))[0, 0] == pytest.approx(0.6)
    assert smoother(np.zeros((2, 2)))[0, 0] == pytest.approx(0.36)
    assert TemporalSmoother(0.0)(np.ones(1))[0] == 1.0
    with pytest.raises(ValueError, match="smooth must be from 0"):
        TemporalSmoother(1.0)
