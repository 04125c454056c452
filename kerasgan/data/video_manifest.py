"""What a video dataset folder says about itself: manifest.json and contact_sheet.jpg.

The manifest records every decision the builder made, so a dataset can be
checked and rebuilt: the sources (URL, title, duration, how the frames were
split), the settings, every kept frame's file, source and timestamp, and every
dropped frame's reason. The contact sheet shows up to 64 kept frames in time
order, test frames outlined in orange, so a glance tells whether the frames are
the ones wanted and whether the split is sensible.

Example:

```python
import json

manifest = json.load(open("datasets/waves/manifest.json"))
print(manifest["counts"])  # sources, sampled, kept, train, test, dropped by reason
```
"""

import datetime

import numpy as np

from kerasgan import __version__, images
from kerasgan.data.frame_filters import DROP_REASONS
from kerasgan.data.frame_geometry import resize_area

CONTACT_SHEET_FRAMES = 64
CONTACT_SHEET_CELL = 128
TEST_OUTLINE_COLOR = (255, 140, 0)  # orange


def make_manifest(settings, records, failures):
    """The contents of manifest.json (a dict).

    Args:
        settings: the build's VideoDatasetSettings.
        records: one dict per video read, its frames already split (see `time_split`).
        failures: (source, sentence) for every source that could not be used.
    """
    dropped_total = {reason: 0 for reason in DROP_REASONS}
    sources = []
    frames = []
    dropped = []
    for index, record in enumerate(records):
        counts = {reason: 0 for reason in DROP_REASONS}
        for drop in record["dropped"]:
            counts[drop["reason"]] += 1
            dropped_total[drop["reason"]] += 1
            dropped.append({"source": index, **drop})
        for frame in record["frames"]:
            frames.append(
                {
                    "file": f"{frame['split']}/{frame['name']}",
                    "source": index,
                    **{k: v for k, v in frame.items() if k != "name"},
                }
            )
        summary = {k: v for k, v in record.items() if k not in ("frames", "dropped")}
        summary.update(status="ok", kept=len(record["frames"]), dropped=counts)
        sources.append(summary)
    for argument, sentence in failures:
        sources.append({"source": argument, "status": "failed", "error": sentence})
    num_test = sum(frame["split"] == "test" for frame in frames)
    return {
        "kerasgan_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "settings": settings.to_dict(),
        "layout": {
            "train": "train/",
            "test": "test/",
            "split": "contiguous time blocks per video; see sources[].blocks",
            "contact_sheet": "contact_sheet.jpg (test frames outlined in orange)",
        },
        "counts": {
            "sources": len(records),
            "failed_sources": len(failures),
            "sampled": sum(record["sampled"] for record in records),
            "letterboxed": sum(record["letterboxed"] for record in records),
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


def write_contact_sheet(folder, kept, thumbnails, image_size):
    """Up to 64 kept frames, evenly spaced in time order; test frames outlined in orange.

    Args:
        folder: the dataset folder; the sheet is written as contact_sheet.jpg there.
        kept: the kept frames' dicts ("name", "split"), in time order.
        thumbnails: image name -> its cell (BGR), for the images made in this run;
            the others are read back from train/ or test/.
        image_size: the side of the dataset's images.
    """
    import cv2

    count = min(CONTACT_SHEET_FRAMES, len(kept))
    chosen = np.linspace(0, len(kept) - 1, count).round().astype(int)
    # Images written by an earlier run are read back. JPEG can decode at 1/2 or 1/4
    # size for a fraction of the work: ask for the smallest still a cell wide.
    reduced = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}
    fits = [factor for factor in reduced if image_size >= factor * CONTACT_SHEET_CELL]
    flag = reduced[max(fits)] if fits else cv2.IMREAD_COLOR
    cells = []
    for index in chosen:
        frame = kept[index]
        cell = thumbnails.get(frame["name"])
        if cell is None:
            image = cv2.imread(str(folder / frame["split"] / frame["name"]), flag)
            cell = thumbnail(image, CONTACT_SHEET_CELL)
        cell = cv2.cvtColor(cell, cv2.COLOR_BGR2RGB)
        if frame["split"] == "test":
            cv2.rectangle(
                cell, (1, 1), (cell.shape[1] - 2, cell.shape[0] - 2), TEST_OUTLINE_COLOR, 3
            )
        cells.append(cell)
    columns = min(8, count)
    images.save_grid(folder / "contact_sheet.jpg", np.stack(cells), columns=columns, background=255)


def thumbnail(image, cell=CONTACT_SHEET_CELL):
    """Fits an image into a cell x cell white square, keeping its shape."""
    scale = cell / max(image.shape[:2])
    small = resize_area(image, max(1, int(round(min(image.shape[:2]) * scale))))
    small = small[:cell, :cell]  # rounding can make the long side one pixel too long
    canvas = np.full((cell, cell, 3), 255, dtype=np.uint8)
    top = (cell - small.shape[0]) // 2
    left = (cell - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas
