"""`kerasgan dataset audio` on real recordings: the pygame wheel's sound effects placed at known
times in a track, that track as a .wav, as the sound of a video file, and as a video served
over loopback HTTP through yt-dlp; silent clips dropped and counted; a damaged file is one
sentence while the other sources are still read; nothing half-written."""

import fractions
import functools
import http.server
import importlib.util
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from kerasgan import audio
from kerasgan.cli import main
from kerasgan.data.audio_dataset import decode

RATE = 16000
# Where the test puts each sound (seconds) in a 12 s track; its last 1.2 s is the test part.
PLACED = [("punch.wav", 0.5), ("car_door.wav", 2.0), ("boom.wav", 3.5), ("punch.wav", 10.2),
          ("whiff.wav", 10.9)]  # fmt: skip
TRACK_SECONDS = 12.0


def pygame_sounds():
    spec = importlib.util.find_spec("pygame")
    if spec is None:
        pytest.fail("The dataset tests read the pygame wheel's sounds: pip install -e '.[dev]'.")
    return Path(spec.submodule_search_locations[0]) / "examples" / "data"


def start_of_sound(samples):
    """The first sample louder than a tenth of the peak: where the sound itself begins."""
    return int(np.argmax(np.abs(samples) > 0.1 * np.abs(samples).max()))


@pytest.fixture(scope="module")
def track(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sounds")
    samples = np.zeros(int(TRACK_SECONDS * RATE), np.float32)
    for name, seconds in PLACED:
        sound = decode(pygame_sounds() / name, RATE)
        sound = sound[start_of_sound(sound):] * 0.7
        at = int(seconds * RATE)
        samples[at : at + len(sound)] += sound[: len(samples) - at]
    path = folder / "track.wav"
    audio.write_wav(path, samples, RATE)
    return path, samples


def write_video(path, samples):
    """A 3 s MPEG-4 video (grey frames getting lighter) whose AAC sound track is `samples`."""
    import av

    with av.open(str(path), "w") as container:
        video = container.add_stream("mpeg4", rate=10)
        video.width = video.height = 64
        video.pix_fmt = "yuv420p"
        sound = container.add_stream("aac", rate=RATE, layout="mono")
        for index in range(int(len(samples) / RATE * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), index % 256, np.uint8), format="rgb24")
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        for start in range(0, len(samples), 1024):
            frame = av.AudioFrame.from_ndarray(samples[None, start : start + 1024], format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, fractions.Fraction(1, RATE)
            for packet in sound.encode(frame):
                container.mux(packet)
        for packet in sound.encode(None):
            container.mux(packet)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # the server's request lines would mix with the command's own stderr


def manifest_of(folder):
    return json.loads((Path(folder) / "manifest.json").read_text())


def test_onsets_are_found_where_the_sounds_were_put(track, tmp_path, capsys):
    path, _ = track
    out = tmp_path / "drums"
    assert main(["dataset", "audio", str(path), "--out", str(out), "--quiet"]) == 0
    manifest = manifest_of(out)
    starts = [clip["start"] for clip in manifest["clips"]]
    for name, seconds in PLACED[:3] + PLACED[4:]:
        assert min(abs(start - seconds) for start in starts) <= 0.010, (name, seconds, starts)
    # Split by time: the sound in the last 1.2 s is test, the one whose clip would reach
    # into that part is dropped, and no clip of the test part is in train.
    by_start = {round(clip["start"], 1): clip["split"] for clip in manifest["clips"]}
    assert by_start[10.9] == "test" and 10.2 not in by_start
    assert manifest["counts"]["dropped"]["overlaps the test part"] >= 1
    assert all(clip["start"] < 10.8 for clip in manifest["clips"] if clip["split"] == "train")
    clips = sorted((out / "train").glob("*.wav"))
    assert len(clips) == manifest["counts"]["train"] >= 3
    samples, rate = audio.read_wav(clips[0])
    assert rate == RATE and samples.shape == (16384,)
    assert np.abs(samples).max() == pytest.approx(0.99, abs=1e-3)  # peak-normalised
    assert (out / "clips.png").stat().st_size > 0
    assert (out / "index.html").read_text().count("<audio") == len(manifest["clips"])
    counts = manifest["counts"]
    assert f"{counts['train']} train + {counts['test']} test clips" in capsys.readouterr().out


def test_fixed_slices_drop_the_silent_clips_and_count_them(track, tmp_path):
    path, samples = track
    out = tmp_path / "texture"
    assert main(["dataset", "audio", str(path), "--out", str(out), "--slice", "fixed", "--quiet"]) == 0
    manifest = manifest_of(out)
    # 11 whole clips fit in 12 s; those of the quiet stretch from 5 s to 10 s are silent.
    assert manifest["counts"]["dropped"]["silent"] >= 3
    kept = [clip["start"] for clip in manifest["clips"]]
    for start in kept:
        piece = samples[int(start * RATE) : int(start * RATE) + 16384]
        assert audio.decibels(piece) > -50


def test_a_video_a_url_and_a_damaged_file_together(track, tmp_path, capsys):
    _, samples = track
    served = tmp_path / "served"
    served.mkdir()
    write_video(served / "hits.mp4", samples[: 5 * RATE])
    damaged = tmp_path / "damaged.wav"
    damaged.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk" + bytes(range(200)))
    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hits.mp4"
        out = tmp_path / "mixed"
        status = main(["dataset", "audio", str(served / "hits.mp4"), url, str(damaged),
                       "--out", str(out), "--quiet", "--test-share", "0"])
    finally:
        server.shutdown()
        thread.join()
    error = capsys.readouterr().err
    assert status == 1  # built, but one source failed: said in one sentence
    assert error.startswith(f"kerasgan: {damaged} could not be decoded as sound")
    assert len(error.strip().splitlines()) == 1 and "Traceback" not in error, error
    manifest = manifest_of(out)
    assert [failure["source"] for failure in manifest["failed"]] == [str(damaged)]
    for source in ("hits.mp4", "hits"):  # the file's name, and the title yt-dlp gave the URL
        starts = [clip["start"] for clip in manifest["clips"] if clip["source"] == source]
        for _, seconds in PLACED[:3]:
            assert min(abs(start - seconds) for start in starts) <= 0.010, (source, starts)


def test_no_usable_source_is_one_sentence_and_writes_nothing(tmp_path, capsys):
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "a.png").write_bytes(b"\x89PNG\r\n")
    out = tmp_path / "nothing"
    assert main(["dataset", "audio", str(pictures), str(tmp_path / "missing.wav"), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: No clips were made") and "Traceback" not in error
    assert "holds no sound or video files" in error and "does not exist" in error
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["pictures"]  # no temporary folder left
