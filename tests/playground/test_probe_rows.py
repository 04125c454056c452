"""The playground rows of the second bad-input probe: CSV headers and ragged rows, an --out
under a file refused before the training, and an HTML page small enough to mail."""

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from kerasgan.cli import main
from kerasgan.commands.playground import read_points
from kerasgan.playground import Playground, save_html
from kerasgan.playground.render import picture_of


def test_a_csv_header_is_skipped(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n0.5,-1.0\n2,3\n")
    np.testing.assert_array_equal(read_points(path), [[0.5, -1.0], [2.0, 3.0]])


@pytest.mark.parametrize(
    "text, sentence",
    [
        ("0,1\n2,3,4\n", "Line 2 of {path} has 3 values ('2,3,4'), not 2: write one point per line "
                         "as x,y, e.g. 0.5,-1.2."),
        ("x,y\n0,1\nfive,6\n", "Line 3 of {path} is not two numbers ('five,6'): write one point "
                               "per line as x,y, e.g. 0.5,-1.2."),
        ("x,y\n", "{path} holds no points: write one point per line as x,y, e.g. 0.5,-1.2."),
    ],
)
def test_a_ragged_or_wordy_csv_names_the_line(tmp_path, capsys, text, sentence):
    path = tmp_path / "points.csv"
    path.write_text(text)
    out = tmp_path / "game.gif"
    assert main(["playground", "--target", str(path), "--steps", "2", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == f"kerasgan: error: {sentence.format(path=path)}\n"
    assert "usecols" not in error and "float64" not in error
    assert not out.exists()


@pytest.mark.parametrize("option", ["--out", "--snapshot-every"])
def test_an_out_under_a_file_is_refused_before_the_training(tmp_path, capsys, monkeypatch, option):
    from kerasgan.playground import game

    def no_training(*args, **kwargs):
        raise AssertionError("the game started before the output path was checked")

    monkeypatch.setattr(game.Playground, "step", no_training)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    if option == "--out":
        arguments = ["--out", str(notes / "game.gif")]
        named = f"--out {notes}/game.gif"
    else:  # the stills folder, game-stills, is where a file already is
        (tmp_path / "game-stills").write_text("not a folder")
        arguments = ["--out", str(tmp_path / "game.gif"), "--snapshot-every", "1"]
        named = f"--snapshot-every's folder {tmp_path}/game-stills"
    assert main(["playground", "--steps", "2", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: Cannot write {named}: "), error
    assert error.endswith("choose another path.\n") or error.endswith("pass a folder name.\n")
    assert notes.read_text() == "mine"


def test_the_html_page_is_small_and_shows_the_same_frames(tmp_path):
    game = Playground("ring", loss="hinge", width=16, seed=0)
    frames = game.play(40, frame_every=10)
    page = save_html(tmp_path / "game.html", frames).read_text()
    encoded = json.loads(re.search(r"var frames = (\[.*?\]);", page).group(1))
    assert len(encoded) == len(frames) == 5
    for frame, text in zip(frames, encoded):
        shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(text))).convert("RGB"))
        drawn = picture_of(frame)
        assert shown.shape == drawn.shape
        assert np.abs(shown.astype(int) - drawn).mean() < 3  # the same picture, lossy but close
    # About 45 KB a frame (PNG: about 260 KB): 1,500 steps' 101 frames make about 5 MB, not 30.
    assert len(page) < len(frames) * 60_000
    # The address is documented on the page, and counts frames as the label does (from 1).
    assert "#frame=N opens frame N, #step=N steps N frames on, #play plays" in page
    assert "show((options.frame || 1) - 1);" in page
