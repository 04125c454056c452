"""
Title: CycleGAN between two videos that have no pairs
Author: kerasgan
Description: Build a dataset from each of two videos, train CycleGAN to turn the frames of
one into the world of the other and back, and run it on a video or a webcam.
"""

"""
## Introduction

pix2pix learns from pairs: this edge map, that photo. An artist with a summer video and a
winter video, or photos and paintings, has no pairs. **CycleGAN** (Zhu et al. 2017,
https://arxiv.org/abs/1703.10593) learns anyway. It trains two generators, G: A -> B and
F: B -> A, and two discriminators, one per domain, and adds one idea: going there and back
must give the picture you started with, F(G(a)) = a. G may only change what F can undo,
which is the style (snow, light, brushwork), not the content (the street, the face).

This script:

1. frames of two videos -> two dataset folders (`train/`, `test/`), as in
   `examples/youtube_dataset.py`;
2. CycleGAN trained on them, in a resumable run folder, whose grids show held-out frames
   on their way round: A -> B -> A beside B -> A -> B;
3. the A -> B generator run on every frame of a video, written as a side-by-side video;
4. the generator exported for use outside Python (SavedModel, TFLite).

Run it as `python examples/cyclegan_two_videos.py --video-a summer.mp4 --video-b winter.mp4`
(two of your own videos, files or URLs; a GPU helps, on Colab: Runtime -> Change runtime
type), or `python examples/cyclegan_two_videos.py --quick`, which runs offline in a few
minutes on two small domains of real handwritten digits: as MNIST draws them (white on
black) and inverted (black on white), from two different halves of the digits.
"""

"""
## Setup
"""

import argparse
from pathlib import Path

import numpy as np

from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="CycleGAN between two videos.")
parser.add_argument("--quick", action="store_true", help="offline, small and fast (MNIST domains)")
parser.add_argument("--video-a", default=None, help="domain A: a video file or URL")
parser.add_argument("--video-b", default=None, help="domain B: a video file or URL")
parser.add_argument("--data", default=None, help="with --quick: an MNIST .npz (default: download)")
parser.add_argument("--workdir", default=".", help="where datasets/ and results/ go")
args, _ = parser.parse_known_args()
workdir = Path(args.workdir)
if not args.quick and not (args.video_a and args.video_b):
    raise SystemExit("Pass --video-a and --video-b (two videos of your own), or --quick.")

"""
## Two domains

With two videos, `build_video_dataset` samples each one's frames, drops dark, blurry and
repeated ones, crops squares and splits `train/` and `test/` by blocks of time. The test
frames are held out: the grids show them, so we see the model on frames it never trained on.

Choose two videos of two *worlds* with the same kind of content: a street in summer and in
winter, a forest by day and by night, a calm sea and a stormy one. CycleGAN changes
textures and colours well, shapes hardly at all.

With `--quick`, the two domains are real digits: A as MNIST draws them, B other digits
(no pairs!) inverted, each written as a folder of PNG files as a video dataset would be.
"""

from kerasgan import images  # noqa: E402


def write_folder(folder, pictures):
    for split, part in (("train", pictures[:-16]), ("test", pictures[-16:])):
        (folder / split).mkdir(parents=True, exist_ok=True)
        for index, picture in enumerate(part):
            images.save_image(folder / split / f"{index:05d}.png", picture[..., None])


if args.quick:
    from kerasgan.data import load_mnist

    (digits, _), _ = load_mnist(path=args.data)
    folder_a, folder_b = workdir / "datasets" / "digits", workdir / "datasets" / "inverted"
    if not folder_a.exists():
        write_folder(folder_a, digits[:216])
        write_folder(folder_b, 255 - digits[-216:])  # the other end of the set: no pairs
else:
    from kerasgan.data.video_dataset import build_video_dataset

    folders, local_files = [], []
    for name, video in (("video_a", args.video_a), ("video_b", args.video_b)):
        folder = workdir / "datasets" / name
        built = build_video_dataset([video], folder, size=256, every_seconds=0.5)
        if built.failures:
            raise SystemExit(f"could not use {video}: {built.failures[0][1]}")
        folders.append(folder)
        local_files.append(built.manifest["sources"][0]["file"])  # downloaded, for a URL
    folder_a, folder_b = folders
print("domain A:", folder_a, "domain B:", folder_b)

"""
## Train

`kerasgan.train` is the same call as the command line

```
kerasgan train cyclegan --data-a datasets/video_a --data-b datasets/video_b --image-size 128
```

Each step shows each generator one image of its domain (the paper trains at batch 1):

1. G turns a into G(a), F turns b into F(b);
2. the discriminators say how real those look (least-squares GAN loss);
3. **cycle**: F(G(a)) should be a and G(F(b)) should be b (L1, weight 10);
4. **identity**: G(b) should be b, F(a) should be a (L1, weight 5): a generator shown a
   picture of its own output world should leave it alone, which keeps colours in place;
5. each discriminator learns from its real images and from a **pool** of 50 earlier
   fakes: once it is full, half of the fakes it sees are old ones, so it does not forget
   what the generator got wrong before (and the generator cannot go back to it).

The learning rates stay at 2e-4 for the first half of the run, then fall linearly to 0.
The run folder gets a grid after every interval, both generators
(`generator_a2b-*.keras`, `generator_b2a-*.keras`), the losses and a full checkpoint: run
the script again after a disconnect and training continues where it stopped.
"""

import kerasgan  # noqa: E402

if args.quick:
    # Tiny networks and 50 steps of 8 digits (two epochs of 200): a first look at the mapping.
    options = dict(image_size=28, batch_size=8, epochs=2, generator_filters=16,
                   residual_blocks=3, discriminator_filters=16)  # fmt: skip
else:
    options = dict(image_size=128, batch_size=1, epochs=100, residual_blocks=6)

run = kerasgan.train("cyclegan", folder_a, data_b=folder_b, outdir=workdir / "results", verbose=2,
                     **options)  # fmt: skip
stats = run.stats()
first, last = stats[0]["cycle_loss"], stats[-1]["cycle_loss"]
print(f"cycle loss {first:.3f} after the first interval, {last:.3f} now")

"""
## Look at the grids

Each row: a | G(a) | F(G(a)) and b | F(b) | G(F(b)). The third and sixth columns should
match the first and fourth: that is the cycle. The second and fifth show the translation.
"""

grid = run.path / f"fakes_{stats[-1]['interval']:06d}.png"
print("latest grid:", grid)
try:
    get_ipython  # noqa: B018  (defined only in a notebook, where we can show the picture)
    from IPython.display import Image, display

    display(Image(filename=str(grid)))
except NameError:
    pass

"""
## Run it on a video

`run_live` is the loop behind `kerasgan live`: read a frame, take its center square at the
model's size, run the generator, smooth the outputs over time, and write frame | input |
output side by side. A CycleGAN generator is a plain image-to-image model, like pix2pix's,
so it runs the same way; it needs no input mode, the frame itself goes in (a grey model,
as the quick one, gets the grey frame).
"""

from kerasgan.data.input_modes import InputMode  # noqa: E402
from kerasgan.snapshots.live import load_translator, run_live  # noqa: E402

snapshot = sorted(run.path.glob("generator_a2b-*.keras"))[-1]
generator, _ = load_translator(snapshot)
grey = InputMode("grayscale") if generator.inputs[0].shape[-1] == 1 else None
if args.quick:
    clip = workdir / "digits.avi"  # a short clip of held-out digits
    frames = np.stack([np.repeat(digit[..., None], 3, axis=-1) for digit in digits[-16:]])
    images.save_video(clip, frames.repeat(4, axis=1).repeat(4, axis=2), fps=4)
else:
    clip = local_files[0]  # video A's own frames, test frames and all
result = run_live(generator, str(clip), grey, output=run.path / "cyclegan.avi", smooth=0.5)
print(f"{result.frames_written} frames -> {result.output} ({result.frames_per_second:.0f} fps)")

"""
The same on a webcam, on your own computer (Colab has no webcam), with a window:

```
kerasgan live --generator results/00000-cyclegan-video_a/generator_a2b-000100.keras --source 0 --display
```

## Use it outside Python

`export_generator` writes a TensorFlow SavedModel (TensorFlow Serving, TensorFlow.js) and a
TFLite file (phones, a Raspberry Pi); both take float32 images in [-1, 1].
"""

from kerasgan.snapshots.export import export_generator  # noqa: E402

# TFLite conversion takes a while on a small CPU; the quick run only writes the SavedModel.
exported = export_generator(generator, run.path / "exported", tflite=not args.quick)
for kind, path in exported.items():
    print(f"{kind}: {path}")

"""
## Next

- Train longer, or at 256 pixels with 9 residual blocks (the paper's network).
- Swap the domains: `generator_b2a` is trained too, and runs the other way.
- Try `--identity-weight 0`: colours may drift, since nothing asks G to leave B's colours alone.
- `--pool-size 0` shows the discriminators only the newest fakes; watch the losses swing.
"""
