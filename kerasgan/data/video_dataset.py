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

This module is the build itself. The other parts have modules of their own:
`video_dataset_settings` (the settings and their defaults), `video_sources` (what
the sources name), `video` (reading frames), `frame_geometry` (bars, crops,
resizing), `frame_filters` (which frames to drop), `time_split` (train and test)
and `video_manifest` (manifest.json and the contact sheet).

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

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasgan import files, images
from kerasgan.data import download, frame_geometry, video
from kerasgan.data.frame_filters import ANALYSIS_SIZE, FrameFilter
from kerasgan.data.in_order_worker import InOrderWorker
from kerasgan.data.progress import ProgressLine
from kerasgan.data.time_split import split_by_time
from kerasgan.data.video_dataset_settings import VideoDatasetSettings, settings_differences
from kerasgan.data.video_manifest import (
    CONTACT_SHEET_CELL,
    make_manifest,
    thumbnail,
    write_contact_sheet,
)
from kerasgan.data.video_sources import expand_sources, naming_the_source, source_key
from kerasgan.errors import KerasganError

DOWNLOADS_FOLDER = ".downloads"
STAGING_FOLDER = ".frames"
# Cells of the images written in this run stay in memory (48 KB each) for the contact
# sheet, up to this many; the rest are read back from disk.
THUMBNAILS_IN_MEMORY = 1024
# Our image names: <source key>-<frame index>.<ext>. Only files like these are ever deleted.
IMAGE_NAME_PATTERN = re.compile(r"^[a-z0-9-]+-f\d{7}\.(jpg|png)$")


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
        # What this build makes, so that a build whose every source fails leaves nothing.
        made_here = (self.folder, self.staging, self.downloads, self.folder / "train", self.folder / "test")
        self.created = [path for path in made_here if not path.exists()]
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
                        f"({settings_differences(previous, wanted)}): "
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
        for source in expand_sources(arguments):
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
                self._say(f"failed: {naming_the_source(source.argument, str(error))}")
        if failures and not results and not self.existing:
            self._remove_created()
            reasons = "; ".join(naming_the_source(source, sentence) for source, sentence in failures)
            raise ValueError(
                f"No dataset was made in {self.folder}: every source failed ({reasons}); fix "
                "or replace them and run the command again."
            )
        settings = self.settings
        split_by_time(results, settings.test_fraction, settings.split_blocks, settings.seed)
        self._place_images(results)
        kept = [frame for result in results for frame in result["frames"]]
        if kept:
            write_contact_sheet(self.folder, kept, self.thumbnails, self.settings.size)
        else:
            (self.folder / "contact_sheet.jpg").unlink(missing_ok=True)  # an earlier run's
        manifest = make_manifest(self.settings, results, failures)
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

    def _remove_created(self):
        """Removes the folders this build made (all of it when it made the dataset folder)."""
        for path in self.created:
            shutil.rmtree(path, ignore_errors=True)

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
            key = source_key(downloaded.title, source.url)
        else:
            path = source.path
            record.update(title=path.stem, file=str(path))
            key = source_key(path.stem, str(path.resolve()))
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
        with video.opencv_on_one_thread(), InOrderWorker() as worker:
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
            box = frame_geometry.find_letterbox(picture, bgr=True)
            if box.has_bars(*picture.shape[:2]):
                record["letterboxed"] += 1
                picture = frame_geometry.crop_box(picture, box)
            else:
                box = None
        rng = None
        if settings.crop == "random":
            # Seeded by video and frame, so a resumed run crops a frame the same way.
            rng = np.random.default_rng([settings.seed, key_number, frame.index])
        square = frame_geometry.crop_square(picture, settings.crop, rng)
        # One resize serves both the filters (which measure at 256 pixels) and the
        # image file: shrink once to the larger of the two, then derive the other.
        # The frame stays in OpenCV's BGR order throughout: the filters read it as
        # such and OpenCV's encoder wants it, so no color conversion is needed.
        working = frame_geometry.resize_area(square, max(settings.size, ANALYSIS_SIZE))
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
            target = frame_geometry.shorter_side_to(square.shape, settings.size)
            output = frame_geometry.resize_area(working, target)
            _write_image(self.staging / name, output)
            if len(self.thumbnails) < THUMBNAILS_IN_MEMORY:
                self.thumbnails[name] = thumbnail(output, CONTACT_SHEET_CELL)
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

    # ------------------------------------------------------------------ files
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

    def _say(self, text):
        if self.progress:
            ProgressLine().finish(text)


def _write_image(path, image):
    """Writes a BGR image as JPEG (quality 95) or PNG, as the path's suffix says.

    Renamed into place when complete, so a killed run leaves no partial image. Not
    flushed to disk one by one (a dataset is thousands of small files): after a
    power cut an image may be empty, and the next run writes it again.
    """
    files.write_bytes(path, images.encode_image(image, path.suffix, bgr=True), flush=False)


def _summary(record):
    """One line about a finished video: what was kept, and what was dropped and why."""
    drops = {}
    for drop in record["dropped"]:
        drops[drop["reason"]] = drops.get(drop["reason"], 0) + 1
    text = f"{record['title']}: kept {len(record['frames'])} of {record['sampled']} sampled frames"
    if drops:
        text += " (dropped: " + ", ".join(f"{reason} {n}" for reason, n in drops.items()) + ")"
    return text
