"""examples/pix2pix_video.py --quick: frames of a real clip -> pix2pix -> a processed video, offline."""

import subprocess
import sys
from pathlib import Path

import cv2

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_example_runs_offline(tmp_path):
    result = subprocess.run(
        [sys.executable, "examples/pix2pix_video.py", "--quick", "--workdir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "held-out L1" in result.stdout
    (run,) = (tmp_path / "results").iterdir()
    assert (run / "fakes_000012.png").exists() and (run / "generator-000012.keras").exists()
    assert (run / "exported" / "saved_model" / "saved_model.pb").exists()

    # The processed video has a frame for every frame of the 250-frame clip.
    capture = cv2.VideoCapture(str(run / "pix2pix.mp4"))
    frames = 0
    while capture.grab():
        frames += 1
    capture.release()
    assert frames == 250
