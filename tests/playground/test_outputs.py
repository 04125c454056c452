"""The playground's files: GIF and MP4 frame counts, stills, and the HTML player in headless Chromium."""

import os
import shutil
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image

from kerasgan.cli import main
from kerasgan.playground import Playground, save_frames, save_html, save_stills


@pytest.fixture(scope="module")
def frames():
    game = Playground("moons", loss="lsgan", noise="uniform", noise_dim=1, width=16, seed=1)
    return game.play(12, frame_every=3)  # step 0 and every 3 steps: 5 frames


def test_play_gives_a_frame_at_the_start_and_every_few_steps(frames):
    assert [frame.step for frame in frames] == [0, 3, 6, 9, 12]
    assert frames[0].manifold.shape == (21, 2)  # 1D noise: a curve
    assert [row["step"] for row in frames[-1].measurements] == [0, 3, 6, 9, 12]


def test_gif_and_mp4_have_one_picture_per_frame(frames, tmp_path):
    import cv2

    gif = save_frames(tmp_path / "game.gif", frames)
    with Image.open(gif) as picture:
        assert picture.n_frames == len(frames)
        assert picture.size == (960, 560)
    mp4 = save_frames(tmp_path / "game.mp4", frames)
    capture = cv2.VideoCapture(str(mp4))
    decoded = 0
    while capture.read()[0]:
        decoded += 1
    capture.release()
    assert decoded == len(frames)
    assert not list(tmp_path.glob("*.tmp*"))  # written atomically


def test_stills_are_named_by_step(frames, tmp_path):
    paths = save_stills(tmp_path / "stills", frames[1:3])
    assert [path.name for path in paths] == ["step-000003.png", "step-000006.png"]
    picture = np.asarray(Image.open(paths[0]))
    assert picture.shape == (560, 960, 3) and picture.std() > 10


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page, address, folder):
    """A PNG screenshot of `address` taken by headless Chromium, as an array."""
    out = folder / f"shot-{len(list(folder.glob('shot-*')))}.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
                "--window-size=1000,700", "--virtual-time-budget=3000", f"--screenshot={out}",
                address,
            ],
            check=True, capture_output=True, timeout=120,
        )
    return np.asarray(Image.open(out).convert("RGB")).astype(np.int16)


@pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"),
    reason="headless Chromium is not installed here (apt-get install chromium; .ci/run installs it)",
)
def test_html_player_opens_offline_in_headless_chromium_and_steps(frames, tmp_path):
    page = save_html(tmp_path / "game.html", frames)
    text = page.read_text()
    assert "http://" not in text and "https://" not in text  # nothing to fetch: works offline
    assert text.count("data:image/webp;base64,") == 1 and '"UklGR' in text  # WebPs inside
    for control in ("play", "pause", "step"):
        assert f'data-action="{control}"' in text
    url = page.as_uri()
    first = screenshot(page, url, tmp_path)
    stepped = screenshot(page, url + "#step=2", tmp_path)  # presses the step button twice
    jumped = screenshot(page, url + "#frame=3", tmp_path)
    assert first.std() > 20  # a drawn frame, not a blank page
    assert np.abs(first - stepped).mean() > 0.5  # stepping changed the picture
    # Two steps from frame 1 is frame 3: the address counts frames as the label does.
    np.testing.assert_array_equal(stepped, jumped)


def test_command_writes_a_gif_and_stills(tmp_path, capsys):
    out = tmp_path / "game.gif"
    status = main(
        ["playground", "--target", "grid", "--loss", "bce", "--steps", "8", "--frame-every", "4",
         "--snapshot-every", "4", "--width", "16", "--out", str(out)]
    )
    assert status == 0
    with Image.open(out) as picture:
        assert picture.n_frames == 3  # steps 0, 4, 8
    assert sorted(path.name for path in (tmp_path / "game-stills").iterdir()) == [
        "step-000004.png", "step-000008.png"
    ]
    assert "Wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--target", "triangle"], "Unknown playground target 'triangle'"),
        (["--target", "{not_2d}"], "shaped (5, 3)"),
        (["--target", "{with_nan}"], "NaN"),
        (["--steps", "0"], "--steps must be 1 or more; got 0"),
        (["--loss", "kl"], "Unknown GAN loss 'kl'"),
        (["--out", "game.avi"], "use a file name ending in .mp4, .gif, .html"),
    ],
)
def test_command_refuses_bad_input_in_one_sentence(tmp_path, capsys, arguments, words):
    np.save(tmp_path / "not_2d.npy", np.zeros((5, 3)))
    np.savetxt(tmp_path / "with_nan.csv", [[0.0, 1.0], [np.nan, 2.0]], delimiter=",")
    arguments = [
        argument.format(not_2d=tmp_path / "not_2d.npy", with_nan=tmp_path / "with_nan.csv")
        for argument in arguments
    ]
    out = tmp_path / "game.gif"
    if "--out" not in arguments:
        arguments += ["--out", str(out)]
    assert main(["playground", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: ") and words in error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert not out.exists()
