"""Building a GAN training set from videos: URLs, files or folders in, square images out.

`build_video_dataset` is what `kerasgan dataset video` runs. For each source it
downloads the video (yt-dlp, cached), reads frames at the requested rate
(OpenCV, one pass), removes letterbox bars, crops a square, drops bad frames
(dark, bright, flat, blurry, near-duplicate, one per scene) and writes the rest.
At the end it splits the frames into train and test by contiguous time blocks,
draws a contact sheet and writes a manifest that records every decision:

```
datasets/NAME/
  train/*.jpg           the training images
  test/*.jpg            held-out images: whole blocks of time, never frames between train frames
  manifest.json         sources (URL, title, duration), settings, every kept frame's source
                        and timestamp, every dropped frame's reason
  contact_sheet.jpg     up to 64 frames in time order; test frames outlined in orange
  .downloads/           downloaded videos (hidden: image loaders skip it)
  .frames/              images of a build in progress, and one record per finished video
```

Why contiguous blocks: frames half a second apart are nearly the same picture.
Interleaving them between train and test (a random split of frames) puts a near
copy of every test image in the training set, and the test score measures memory.

Re-running the same command is cheap and safe: downloads are cached, a finished
video is not read again, an image that exists is not written again, and every
file is written atomically, so an interrupted run leaves no half-written image.

Example:

```python
from kerasgan.data.video_dataset import build_video_dataset

dataset = build_video_dataset(
    ["https://www.youtube.com/watch?v=...", "my_clips/"],
    "datasets/waves",
    size=256,
    every_seconds=0.5,
)
print(dataset.num_train, dataset.num_test, dataset.failures)
```
"""

import collections
import datetime
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from kerasgan import __version__, files, images
from kerasgan.data import download, video
from kerasgan.data.frame_filters import ANALYSIS_SIZE, DROP_REASONS, FilterSettings, FrameFilter
from kerasgan.data.progress import ProgressLine
from kerasgan.errors import KerasganError

IMAGE_FORMATS = ("jpg", "png")
DOWNLOADS_FOLDER = ".downloads"
STAGING_FOLDER = ".frames"
CONTACT_SHEET_FRAMES = 64
CONTACT_SHEET_CELL = 128
# Cells of the images written in this run stay in memory (48 KB each) for the contact
# sheet, up to this many; the rest are read back from disk.
THUMBNAILS_IN_MEMORY = 1024
TEST_OUTLINE_COLOR = (255, 140, 0)  # orange
# Our image names: <source key>-<frame index>.<ext>. Only files like these are ever deleted.
IMAGE_NAME_PATTERN = re.compile(r"^[a-z0-9-]+-f\d{7}\.(jpg|png)$")


@dataclass
class VideoDatasetSettings:
    """Everything that decides what a video dataset contains: the one table of defaults.

    Args:
        size: images are `size` x `size` pixels (with crop="none": the shorter side).
        every_seconds: keep one frame per this many seconds of video (the default, 0.5,
            applies when none of every_seconds, every_frames, num_frames is given).
        every_frames: keep every Nth frame instead.
        num_frames: keep this many frames per video, evenly spaced, instead.
        start, end: the section of each video to use, in seconds (None: from the start, to the end).
        max_images: stop once the dataset has this many images (videos in the order given).
        image_format: "jpg" (small, quality 95) or "png" (lossless, larger).
        crop: "center" square, "random" square (repeatable with `seed`), or "none" (keep the
            whole frame; the image loader crops later).
        test_fraction: about this fraction of each video's frames goes to test/.
        split_blocks: each video's kept frames are cut into this many contiguous blocks of time;
            whole blocks go to test/.
        seed: chooses the test blocks and the random crops.
        max_height: the largest video height to download (frames are shrunk to `size` anyway).
        filters: a FilterSettings: which frames to drop and the thresholds.

    Example:

    ```python
    settings = VideoDatasetSettings(
        size=128, num_frames=500, filters=FilterSettings(drop_blurry=False)
    )
    ```
    """

    size: int = 256
    every_seconds: float = None
    every_frames: int = None
    num_frames: int = None
    start: float = None
    end: float = None
    max_images: int = None
    image_format: str = "jpg"
    crop: str = "center"
    test_fraction: float = 0.1
    split_blocks: int = 10
    seed: int = 0
    max_height: int = download.DEFAULT_MAX_HEIGHT
    filters: FilterSettings = field(default_factory=FilterSettings)

    def validate(self):
        """Checks the values (one sentence per problem) and fills in the default rate."""
        rates = [self.every_seconds, self.every_frames, self.num_frames]
        if sum(value is not None for value in rates) > 1:
            raise ValueError("Choose one sampling rate: every_seconds, every_frames or num_frames.")
        if all(value is None for value in rates):
            self.every_seconds = 0.5
        if not isinstance(self.size, int) or self.size < 8:
            raise ValueError(f"size must be a whole number of pixels, 8 or more; got {self.size}.")
        if self.image_format not in IMAGE_FORMATS:
            raise ValueError(f"image_format must be 'jpg' or 'png'; got {self.image_format!r}.")
        if self.crop not in video.CROP_MODES:
            raise ValueError(
                f"crop must be one of {', '.join(video.CROP_MODES)}; got {self.crop!r}."
            )
        if not 0.0 <= self.test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in [0, 1); got {self.test_fraction}.")
        if self.split_blocks < 1:
            raise ValueError(f"split_blocks must be at least 1; got {self.split_blocks}.")
        if self.max_images is not None and self.max_images < 1:
            raise ValueError(f"max_images must be at least 1; got {self.max_images}.")
        if self.start is not None and self.start < 0:
            raise ValueError(f"start must not be negative; got {self.start}.")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(
                f"The end ({video.format_time(self.end)}) must come after the start "
                f"({video.format_time(self.start)})."
            )
        return self

    def to_dict(self):
        return asdict(self)

    def frame_settings(self):
        """The settings that decide which frames exist and how they look.

        A dataset folder built with other values cannot be resumed: its images would
        not match. max_images, test_fraction and split_blocks can change freely.
        """
        values = self.to_dict()
        for free in ("max_images", "test_fraction", "split_blocks"):
            values.pop(free)
        return values


@dataclass
class VideoDataset:
    """What `build_video_dataset` made.

    Args:
        folder: the dataset folder.
        manifest: the contents of manifest.json (a dict).
        failures: (source, sentence) for every source that could not be used.
    """

    folder: Path
    manifest: dict
    failures: list

    @property
    def train_folder(self):
        return self.folder / "train"

    @property
    def test_folder(self):
        return self.folder / "test"

    @property
    def num_train(self):
        return self.manifest["counts"]["train"]

    @property
    def num_test(self):
        return self.manifest["counts"]["test"]


def build_video_dataset(
    sources,
    out,
    settings=None,
    *,
    cookies=None,
    download_options=None,
    overwrite=False,
    progress=True,
    **setting_values,
):
    """Builds (or resumes, or extends) a dataset folder from videos; returns a VideoDataset.

    Args:
        sources: URLs (YouTube, any site yt-dlp knows, a direct link to a video file),
            video files and folders of videos, in the order their frames should be taken.
        out: the dataset folder, e.g. "datasets/waves".
        settings: a VideoDatasetSettings; or give its fields as keywords (size=128, ...).
        cookies: a cookies.txt file for sites that ask for a sign-in.
        download_options: extra yt-dlp options, merged over ours.
        overwrite: rebuild a folder made with other settings (its downloads are kept).
        progress: print progress lines on stderr.

    A source that fails (unreachable, not a video, cut off, section past its end) is
    recorded in `failures` with one sentence, and the other sources are still used.

    Raises:
        ValueError: bad settings, a folder built with other settings, or no frame kept at all.
    """
    if settings is None:
        settings = VideoDatasetSettings(**setting_values)
    elif setting_values:
        raise ValueError("Pass either settings or keyword settings such as size=..., not both.")
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    if not sources:
        raise ValueError("Give at least one source: a URL, a video file or a folder of videos.")
    settings.validate()
    build = _Build(Path(out), settings, cookies, download_options, progress)
    build.prepare_folder(overwrite)
    return build.run(list(sources))


@dataclass
class _Source:
    """One video to read: what the user typed, and where the video is (or will be)."""

    argument: str
    url: str = None
    path: Path = None
    problem: str = None  # why it cannot be used (no such file, an empty folder)


class _Build:
    """The state of one build: settings, the filters' memory, and everything kept so far."""

    def __init__(self, folder, settings, cookies, download_options, progress):
        self.folder = folder
        self.settings = settings
        self.cookies = cookies
        self.download_options = download_options
        self.progress = progress
        self.staging = folder / STAGING_FOLDER
        self.downloads = folder / DOWNLOADS_FOLDER
        self.filters = FrameFilter(settings.filters)
        self.kept_names = []  # file names, aligned with self.filters.kept_hashes
        self.existing = {}  # image name -> the folder it is in now
        self.used_keys = set()  # the videos read in this run
        self.thumbnails = {}  # image name -> its contact sheet cell (BGR), for images written now

    # ----------------------------------------------------------------- folder
    def prepare_folder(self, overwrite):
        """Cleans up after an interrupted run and refuses to mix images from other settings."""
        for sub in (self.folder, self.staging, self.folder / "train", self.folder / "test"):
            sub.mkdir(parents=True, exist_ok=True)
            files.remove_stale_temporaries(sub)
        settings_path = self.staging / "settings.json"
        wanted = json.loads(json.dumps(self.settings.frame_settings()))
        previous = None
        if settings_path.is_file():
            previous = json.loads(settings_path.read_text(encoding="utf-8"))
            if previous != wanted:
                if not overwrite:
                    raise ValueError(
                        f"{self.folder} was built with other settings "
                        f"({_differences(previous, wanted)}): "
                        "pass --overwrite (overwrite=True) to rebuild it, or choose another folder."
                    )
                self._remove_images_and_records()
        elif overwrite:
            self._remove_images_and_records()
        if not settings_path.is_file() or previous != wanted:
            files.write_json(settings_path, wanted)
        for sub in (self.staging, self.folder / "train", self.folder / "test"):
            for path in sub.iterdir():
                if IMAGE_NAME_PATTERN.match(path.name):
                    if path.stat().st_size == 0:
                        path.unlink()  # left empty by a power cut: write it again
                    else:
                        self.existing[path.name] = sub

    def _remove_images_and_records(self):
        for sub in (self.staging, self.folder / "train", self.folder / "test"):
            for path in sub.iterdir():
                if IMAGE_NAME_PATTERN.match(path.name) or (
                    sub == self.staging and path.suffix == ".json"
                ):
                    path.unlink()

    # ------------------------------------------------------------------ build
    def run(self, arguments):
        results, failures = [], []
        for source in _expand_sources(arguments):
            if source.problem is not None:
                failures.append((source.argument, source.problem))
                self._say(f"failed: {source.problem}")
                continue
            if self._full():
                self._say(f"skipped {source.argument}: the dataset has max_images images already")
                continue
            hashes_before = len(self.filters.kept_hashes)
            try:
                result = self._add_source(source)
                if result is not None:
                    results.append(result)
            except (KerasganError, ValueError, OSError) as error:
                # A failed video contributes nothing, not even to the duplicate filter's memory.
                self.filters.forget_since(hashes_before)
                del self.kept_names[hashes_before:]
                failures.append((source.argument, str(error)))
                self._say(f"failed: {_naming(source.argument, str(error))}")
        self._split(results)
        self._place_images(results)
        kept = [frame for result in results for frame in result["frames"]]
        if kept:
            self._write_contact_sheet(kept)
        else:
            (self.folder / "contact_sheet.jpg").unlink(missing_ok=True)  # an earlier run's
        manifest = self._manifest(results, failures)
        files.write_json(self.folder / "manifest.json", manifest)
        if not kept and not failures:
            counts = ", ".join(
                f"{reason} {n}" for reason, n in manifest["counts"]["dropped"].items() if n
            )
            raise ValueError(
                f"No frame was kept: the filters dropped all {manifest['counts']['sampled']} "
                f"sampled frames ({counts}); loosen the thresholds or sample more often."
            )
        return VideoDataset(folder=self.folder, manifest=manifest, failures=failures)

    def _full(self):
        limit = self.settings.max_images
        return limit is not None and len(self.kept_names) >= limit

    def _add_source(self, source):
        """Downloads (if needed) and reads one video; returns its record for the manifest.

        Returns None for a video already read in this run (listed twice, say as a file
        and inside a folder).
        """
        settings = self.settings
        record = {"source": source.argument, "url": source.url}
        offset = 0.0
        if source.url is not None:
            downloaded = download.download_video(
                source.url,
                self.downloads,
                start=settings.start,
                end=settings.end,
                max_height=settings.max_height,
                cookies=self.cookies,
                options=self.download_options,
                progress=self.progress,
            )
            path = Path(downloaded.path)
            offset = downloaded.section_start
            record.update(
                title=downloaded.title,
                webpage_url=downloaded.webpage_url,
                extractor=downloaded.extractor,
                file=str(path.relative_to(self.folder.resolve())),
                section_start_in_file=offset,
                duration=downloaded.duration,  # what the site says; None for a plain file link
            )
            key = _source_key(downloaded.title, source.url)
        else:
            path = source.path
            record.update(title=path.stem, file=str(path))
            key = _source_key(path.stem, str(path.resolve()))
        record["key"] = key
        if key in self.used_keys:
            self._say(f"skipped {source.argument}: the same video as an earlier source")
            return None
        self.used_keys.add(key)

        try:
            return self._read_source(source, path, key, offset, record)
        except video.BrokenVideoError:
            if source.url is not None:
                download.forget_download(downloaded, self.downloads)  # fetch it afresh next time
            raise

    def _read_source(self, source, path, key, offset, record):
        settings = self.settings
        with video.VideoReader(path, name=source.url or str(path)) as reader:
            properties = reader.properties
            duration = record.get("duration")
            if duration is None and properties.duration is not None:
                duration = properties.duration + offset
            record.update(
                duration=duration,
                fps=properties.fps,
                frame_count=properties.frame_count,
                width=properties.width,
                height=properties.height,
                section=[settings.start, settings.end],
            )
            finished = self._finished_record(key)
            if finished is not None:
                for frame in finished["frames"]:
                    self.filters.remember(int(frame["hash"], 16))
                    self.kept_names.append(frame["name"])
                self._say("already done: " + _summary(finished))
                return finished
            record.update(frames=[], dropped=[], sampled=0, letterboxed=0)
            complete = self._read_frames(reader, key, offset, record)
        if complete:
            # Compact JSON: an internal record, read by the next run, not by people.
            files.write_text(self.staging / f"{key}.json", json.dumps(record))
        self._say(_summary(record))
        return record

    def _read_frames(self, reader, key, offset, record):
        """Samples, crops, filters and writes one video's frames; False if max_images stopped it."""
        settings = self.settings
        line = ProgressLine(enabled=self.progress)
        start = None if settings.start is None else max(0.0, settings.start - offset)
        end = None if settings.end is None else settings.end - offset
        key_number = int(key.rsplit("-", 1)[-1], 16)
        self.filters.new_video()

        def show(index, stop):
            total = f"/{stop}" if stop != float("inf") else ""
            line.update(
                f"{record['title']}: frame {index}{total}, kept {len(record['frames'])}, "
                f"dropped {len(record['dropped'])}"
            )

        frames = reader.frames(
            every_seconds=settings.every_seconds,
            every_frames=settings.every_frames,
            num_frames=settings.num_frames,
            start=start or 0.0,
            end=end,
            on_frame=show,
            rgb=False,  # converted once the frame is small (see _process_frame)
        )
        # The main thread only decodes; everything done to a kept frame (crop, filters,
        # resize, JPEG, write) runs on a second thread, one frame at a time and in order.
        # OpenCV lets go of Python's lock while it works, so on a machine with a core to
        # spare the two overlap and the decoder is not kept waiting by the filters or the
        # disk. (On two cores the decoder's own threads keep both nearly busy, and the
        # kept frames' work adds to the time instead: see bench/frames.py.)
        stopped_by_limit = False
        submitted = 0
        with video.opencv_on_one_thread(), _InOrderWorker() as worker:
            try:
                for frame in frames:
                    if self._full():
                        stopped_by_limit = True
                        break
                    worker.submit(self._process_frame, frame, key, key_number, offset, record)
                    submitted += 1
            finally:
                frames.close()
                line.finish(None)
        # Frames read ahead after the limit was reached are not counted as sampled.
        return not stopped_by_limit and record["sampled"] == submitted

    def _process_frame(self, frame, key, key_number, offset, record):
        """Crops, filters and (if kept) writes one frame; runs on the worker thread."""
        if self._full():
            return  # read ahead before the limit was reached: left for the next run
        settings = self.settings
        record["sampled"] += 1
        time = round(frame.time + offset, 3)
        picture = frame.image  # BGR, full size
        box = None
        if settings.filters.remove_letterbox:
            box = video.find_letterbox(picture, bgr=True)
            if box.has_bars(*picture.shape[:2]):
                record["letterboxed"] += 1
                picture = video.crop_box(picture, box)
            else:
                box = None
        rng = None
        if settings.crop == "random":
            # Seeded by video and frame, so a resumed run crops a frame the same way.
            rng = np.random.default_rng([settings.seed, key_number, frame.index])
        square = video.crop_square(picture, settings.crop, rng)
        # One resize serves both the filters (which measure at 256 pixels) and the
        # image file: shrink once to the larger of the two, then derive the other.
        # The frame stays in OpenCV's BGR order throughout: the filters read it as
        # such and OpenCV's encoder wants it, so no color conversion is needed.
        working = video.resize_area(square, max(settings.size, ANALYSIS_SIZE))
        decision = self.filters.check(working, bgr=True)
        if not decision.keep:
            dropped = {
                "frame": frame.index,
                "time": time,
                "reason": decision.reason,
                "value": None if decision.value is None else round(float(decision.value), 2),
            }
            if decision.duplicate_of is not None:
                dropped["duplicate_of"] = self.kept_names[decision.duplicate_of]
            record["dropped"].append(dropped)
            return
        name = f"{key}-f{frame.index:07d}.{settings.image_format}"
        if name not in self.existing:
            # Sized from the square, not from `working`, so rounding matches a direct resize.
            target = video.shorter_side_to(square.shape, settings.size)
            output = video.resize_area(working, target)
            _write_image(self.staging / name, output)
            if len(self.thumbnails) < THUMBNAILS_IN_MEMORY:
                self.thumbnails[name] = _thumbnail(output, CONTACT_SHEET_CELL)
            self.existing[name] = self.staging
        self.kept_names.append(name)
        measures = decision.measures
        kept = {
            "name": name,
            "frame": frame.index,
            "time": time,
            "brightness": round(measures.brightness, 1),
            "contrast": round(measures.contrast, 1),
            "sharpness": round(measures.sharpness, 1),
            "hash": f"{measures.hash:016x}",
        }
        if box is not None:
            kept["content_box"] = box.as_list()
        record["frames"].append(kept)

    def _finished_record(self, key):
        """The record of a video an earlier run finished with these settings (all images there)."""
        path = self.staging / f"{key}.json"
        if not path.is_file():
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
        if any(frame["name"] not in self.existing for frame in record["frames"]):
            return None
        return record

    # ------------------------------------------------------------ split, files
    def _split(self, results):
        """Assigns train/test per video by contiguous blocks of time (see the module docstring)."""
        settings = self.settings
        for result in results:
            frames = result["frames"]
            count = len(frames)
            num_blocks = min(settings.split_blocks, count)
            bounds = np.linspace(0, count, num_blocks + 1).round().astype(int)
            num_test = 0
            if settings.test_fraction > 0 and num_blocks >= 2:
                num_test = min(num_blocks - 1, max(1, round(settings.test_fraction * num_blocks)))
            rng = np.random.default_rng([settings.seed, int(result["key"].rsplit("-", 1)[-1], 16)])
            test_blocks = set(rng.choice(num_blocks, size=num_test, replace=False).tolist())
            result["blocks"] = []
            for block in range(num_blocks):
                split = "test" if block in test_blocks else "train"
                members = frames[bounds[block] : bounds[block + 1]]
                for frame in members:
                    frame["split"] = split
                result["blocks"].append(
                    {
                        "split": split,
                        "start_time": members[0]["time"],
                        "end_time": members[-1]["time"],
                        "frames": len(members),
                    }
                )

    def _place_images(self, results):
        """Moves every kept image to train/ or test/; deletes our images that are no longer kept."""
        wanted = {}
        for result in results:
            for frame in result["frames"]:
                wanted[frame["name"]] = self.folder / frame["split"]
        for name, target in wanted.items():
            current = self.existing.get(name)
            if current is not None and current != target:
                os.replace(current / name, target / name)
        for name, folder in self.existing.items():
            if name not in wanted:
                (folder / name).unlink(missing_ok=True)

    def _write_contact_sheet(self, kept):
        """Up to 64 kept frames, evenly spaced in time order; test frames outlined in orange."""
        import cv2

        count = min(CONTACT_SHEET_FRAMES, len(kept))
        chosen = np.linspace(0, len(kept) - 1, count).round().astype(int)
        # Images written by an earlier run are read back. JPEG can decode at 1/2 or 1/4
        # size for a fraction of the work: ask for the smallest still a cell wide.
        reduced = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}
        fits = [factor for factor in reduced if self.settings.size >= factor * CONTACT_SHEET_CELL]
        flag = reduced[max(fits)] if fits else cv2.IMREAD_COLOR
        cells = []
        for index in chosen:
            frame = kept[index]
            cell = self.thumbnails.get(frame["name"])
            if cell is None:
                image = cv2.imread(str(self.folder / frame["split"] / frame["name"]), flag)
                cell = _thumbnail(image, CONTACT_SHEET_CELL)
            cell = cv2.cvtColor(cell, cv2.COLOR_BGR2RGB)
            if frame["split"] == "test":
                cv2.rectangle(
                    cell, (1, 1), (cell.shape[1] - 2, cell.shape[0] - 2), TEST_OUTLINE_COLOR, 3
                )
            cells.append(cell)
        columns = min(8, count)
        images.save_grid(
            self.folder / "contact_sheet.jpg", np.stack(cells), columns=columns, background=255
        )

    def _manifest(self, results, failures):
        dropped_total = {reason: 0 for reason in DROP_REASONS}
        sources = []
        frames = []
        dropped = []
        for index, result in enumerate(results):
            counts = {reason: 0 for reason in DROP_REASONS}
            for drop in result["dropped"]:
                counts[drop["reason"]] += 1
                dropped_total[drop["reason"]] += 1
                dropped.append({"source": index, **drop})
            for frame in result["frames"]:
                frames.append(
                    {
                        "file": f"{frame['split']}/{frame['name']}",
                        "source": index,
                        **{k: v for k, v in frame.items() if k != "name"},
                    }
                )
            summary = {k: v for k, v in result.items() if k not in ("frames", "dropped")}
            summary.update(status="ok", kept=len(result["frames"]), dropped=counts)
            sources.append(summary)
        for argument, sentence in failures:
            sources.append({"source": argument, "status": "failed", "error": sentence})
        num_test = sum(frame["split"] == "test" for frame in frames)
        return {
            "kerasgan_version": __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "settings": self.settings.to_dict(),
            "layout": {
                "train": "train/",
                "test": "test/",
                "split": "contiguous time blocks per video; see sources[].blocks",
                "contact_sheet": "contact_sheet.jpg (test frames outlined in orange)",
            },
            "counts": {
                "sources": len(results),
                "failed_sources": len(failures),
                "sampled": sum(result["sampled"] for result in results),
                "letterboxed": sum(result["letterboxed"] for result in results),
                "kept": len(frames),
                "train": len(frames) - num_test,
                "test": num_test,
                "dropped": dropped_total,
            },
            "sources": sources,
            "frames": frames,
            "dropped": dropped,
            "failures": [{"source": a, "error": s} for a, s in failures],
        }

    def _say(self, text):
        if self.progress:
            ProgressLine().finish(text)


class _InOrderWorker:
    """Runs tasks on one background thread, in the order given; at most `backlog` wait.

    A waiting task holds a whole decoded frame, so the backlog is short: enough to
    smooth out a slow write, small enough for 4K frames (4 x 25 MB).
    Leaving the `with` block waits for every task and re-raises the first error.
    """

    def __init__(self, backlog=4):
        from concurrent.futures import ThreadPoolExecutor

        self.backlog = backlog
        self.pending = collections.deque()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kerasgan-frames")

    def submit(self, function, *args):
        """Queues `function(*args)`; first waits for the oldest task if the backlog is full."""
        while len(self.pending) >= self.backlog:
            self.pending.popleft().result()
        self.pending.append(self.executor.submit(function, *args))

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.executor.shutdown(wait=True)


def _write_image(path, image):
    """Writes a BGR image as JPEG (quality 95) or PNG, as the path's suffix says.

    Renamed into place when complete, so a killed run leaves no partial image. Not
    flushed to disk one by one (a dataset is thousands of small files): after a
    power cut an image may be empty, and the next run writes it again.
    """
    files.write_bytes(path, images.encode_image(image, path.suffix, bgr=True), flush=False)


def _expand_sources(arguments):
    """URLs stay URLs, folders become the videos inside them, in the order given.

    A source that cannot be used comes back with `problem` set, in its place in the order.
    """
    sources = []
    for argument in arguments:
        argument = str(argument)
        if download.is_url(argument):
            sources.append(_Source(argument, url=argument))
            continue
        path = Path(argument).expanduser()
        if path.is_dir():
            found = video.video_files_in(path)
            if not found:
                known = ", ".join(video.VIDEO_EXTENSIONS[:6])
                problem = f"{argument} is a folder with no video files ({known}, ...)."
                sources.append(_Source(argument, problem=problem))
            sources.extend(_Source(str(file), path=file) for file in found)
        elif path.is_file():
            sources.append(_Source(argument, path=path))
        else:
            problem = (
                f"No such file or folder: {argument} "
                "(a web video needs its full URL, starting with https://)."
            )
            sources.append(_Source(argument, problem=problem))
    return sources


def _naming(source, sentence):
    """The sentence, with the source in front unless it names it already."""
    return sentence if source in sentence else f"{source}: {sentence}"


def _source_key(title, identity):
    """A file-name prefix for one video: a readable slug of its title and a hash of its origin."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:32].strip("-") or "video"
    digest = hashlib.sha1(str(identity).encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}"


def _thumbnail(image, cell):
    """Fits an image into a cell x cell white square, keeping its shape."""
    scale = cell / max(image.shape[:2])
    small = video.resize_area(image, max(1, int(round(min(image.shape[:2]) * scale))))
    small = small[:cell, :cell]  # rounding can make the long side one pixel too long
    canvas = np.full((cell, cell, 3), 255, dtype=np.uint8)
    top = (cell - small.shape[0]) // 2
    left = (cell - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas


def _summary(record):
    drops = {}
    for drop in record["dropped"]:
        drops[drop["reason"]] = drops.get(drop["reason"], 0) + 1
    text = f"{record['title']}: kept {len(record['frames'])} of {record['sampled']} sampled frames"
    if drops:
        text += " (dropped: " + ", ".join(f"{reason} {n}" for reason, n in drops.items()) + ")"
    return text


def _differences(previous, wanted):
    changed = []
    for key in sorted(set(previous) | set(wanted)):
        if previous.get(key) != wanted.get(key):
            if isinstance(wanted.get(key), dict) and isinstance(previous.get(key), dict):
                changed.append(_differences(previous[key], wanted[key]))
            else:
                changed.append(f"{key} {previous.get(key)} -> {wanted.get(key)}")
    return "; ".join(changed)


def parse_time(text):
    """ "90", "90s", "1:30", "1:02:03", "1:30.5" -> seconds (float)."""
    text = str(text).strip().lower()
    if text.endswith("s") and ":" not in text:
        text = text[:-1]
    parts = text.split(":")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise ValueError(
            f"Cannot read the time {text!r}: write seconds (90) or m:ss (1:30)."
        ) from None
    if len(values) > 3 or any(value < 0 for value in values):
        raise ValueError(f"Cannot read the time {text!r}: write seconds (90) or m:ss (1:30).")
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds


def parse_rate(text):
    """ "0.5s", "0.5", "500ms" -> ("seconds", 0.5); "10f" -> ("frames", 10)."""
    text = str(text).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(s|sec|ms|f|frames?)?", text)
    if not match:
        raise ValueError(
            f"Cannot read the rate {text!r}: write seconds (0.5s) or a frame step (10f)."
        )
    number, unit = float(match.group(1)), match.group(2) or "s"
    if number <= 0:
        raise ValueError(f"The rate {text!r} must be more than zero.")
    if unit.startswith("f"):
        if number != int(number):
            raise ValueError(f"A frame step must be a whole number; got {text!r}.")
        return "frames", int(number)
    return "seconds", number / 1000 if unit == "ms" else number
