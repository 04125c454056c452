"""
Title: StyleGAN2-ADA on your own video: train, truncate, mix styles, walk, project a photo
Author: kerasgan
Description: The StyleGAN2 week in one notebook: build a dataset from a video, train
StyleGAN2-ADA on it for as long as Colab lets you (the run folder lives on Google Drive
and continues after a disconnect), then generate with truncation, draw a style mixing
grid, walk through W, project a photo into the model, and export it.
"""

"""
## Introduction

StyleGAN2 (Karras et al. 2020, https://arxiv.org/abs/1912.04958) does not feed its random
vector `z` to the image-making network directly. A **mapping network** first turns `z`
into a *style* vector `w`; the **synthesis network** starts from a learned 4 x 4 constant
and, at every resolution, lets `w` scale its convolutions' channels. So one `w` per layer
decides what the image looks like: the first layers (4 to 16 pixels) the pose and layout,
the last ones the colours and fine texture. That is what makes the tricks of this week
possible:

- **truncation**: pull `w` toward the average `w`, trading variety for quality;
- **style mixing**: the coarse styles of one image with the fine styles of another;
- **walks in W**: smooth videos between images;
- **projection**: find the `w` that draws *your* photo, then edit or animate it.

StyleGAN2-**ADA** (Karras et al. 2020, https://arxiv.org/abs/2006.06676) makes it train on
a few thousand images, like the frames of one video: it augments (flips, rotates, shifts
the colours of) every image the discriminator sees, real and fake, and adapts how often
it does so to how much the discriminator overfits.

Each step below is a `kerasgan` command, run here from Python exactly as in a terminal,
so you can repeat any of them on your own computer. With internet, training starts from
NVIDIA's FFHQ network (transfer learning, step 3); without, from scratch. Run this as
`python examples/stylegan2_own_dataset.py` (on a GPU: on Colab, Runtime -> Change runtime
type -> GPU), or with `--quick` for an offline tour on a CPU in a couple of minutes: it
skips the video and trains a tiny model on MNIST digits (`--data` names another `.npz`
or folder of images).
"""

"""
## Setup
"""

import argparse
import json
import shlex
from pathlib import Path

import kerasgan
from kerasgan.cli import run_kerasgan  # runs a `kerasgan ...` command line, as a terminal would
from kerasgan.images import show  # shows pictures in a notebook, prints their paths elsewhere
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="StyleGAN2-ADA on your own video.")
parser.add_argument("--quick", action="store_true", help="offline, tiny and fast (a CPU is enough)")
parser.add_argument("--video", default=None,
                    help="a video URL or file (default: Big Buck Bunny; none in quick mode)")  # fmt: skip
parser.add_argument("--data", default=None,
                    help="images to train on instead of a video: a folder or an .npz")  # fmt: skip
parser.add_argument("--workdir", default=".", help="where datasets/, results/ and week/ go")
parser.add_argument("--kimg", type=int, default=None, help="thousands of images to train on")
parser.add_argument("--network", default="ffhq256",
                    help="NVIDIA's network to start from (kerasgan convert --list), or none "
                    "to train from scratch (default: ffhq256; never in quick mode)")  # fmt: skip
parser.add_argument("--snapshot", default=None, help="the generator to use (default: the latest)")
parser.add_argument("--photo", default=None, help="a photo to project (default: a held-out frame)")
args, _ = parser.parse_known_args()
workdir = Path(args.workdir)
week = workdir / "week"  # the pictures of this notebook
week.mkdir(parents=True, exist_ok=True)


"""
## 1. A dataset from a video

`kerasgan dataset video` downloads the video (yt-dlp), keeps a frame every quarter of a
second, drops dark, blurry and repeated frames, crops squares, and splits `train/` and
`test/` by blocks of time. *Big Buck Bunny* (Blender Foundation, 2008) is licensed
CC BY 3.0; for your own dataset pick a video of one kind of scene (waves, a forest walk,
a face talking to the camera: then your own face will project well in step 10), and check
its license. Running the cell again finds the finished dataset and skips the work.

StyleGAN2-ADA was made for small datasets, but more frames still help: a few thousand
is good, a few hundred works with ADA (expect it to learn the frames by heart).

With `--data` (a folder of your own images, or an `.npz`) this step is skipped. So it is
in quick mode, which trains on MNIST digits offline, unless you name a `--video` (a
file works offline).
"""

BIG_BUCK_BUNNY = "https://youtu.be/aqz-KE-bpKQ"
held_out_frame = None
if args.data or (args.quick and not args.video):
    dataset = args.data or "mnist"
    print("training images:", dataset)
else:
    video = args.video or BIG_BUCK_BUNNY
    # Big Buck Bunny's story, without the opening titles and the credits (text the
    # generator would try to draw); another video is used whole.
    section = ["--start", "1:00", "--end", "9:00"] if video == BIG_BUCK_BUNNY else []
    dataset = str(workdir / "datasets" / "own_video")
    run_kerasgan("dataset", "video", video, "--out", dataset, "--size", 256, "--every", "0.25s",
                 *section)  # fmt: skip
    show(Path(dataset) / "contact_sheet.jpg")
    held_out_frame = sorted((Path(dataset) / "test").glob("*.jpg"))[0]

"""
## 2. TensorBoard, before training starts

Open it now, and it updates while the next cell trains: the losses, the augmentation
probability p, and (Images tab) the grid of fakes after every interval. On Colab these
are the magics `%load_ext tensorboard` and `%tensorboard --logdir ...`; elsewhere run
`tensorboard --logdir results` in a terminal.
"""

results = workdir / "results"
try:
    import google.colab  # noqa: F401  (only on Colab)

    ipython = get_ipython()  # noqa: F821
    ipython.run_line_magic("load_ext", "tensorboard")
    ipython.run_line_magic("tensorboard", f"--logdir {shlex.quote(str(results))}")
except (ImportError, NameError):
    print(f"TensorBoard: tensorboard --logdir {results}")

"""
## 3. Start from NVIDIA's network: transfer learning

"Start from a pre-trained model!" A StyleGAN2 that already draws faces knows edges,
textures, lighting and shapes; fine-tuned on your frames it draws them after a few hundred
kimg, where one trained from scratch needs thousands. NVIDIA published networks made for
this, the *transfer-learning sources* (`kerasgan convert --list`); we start from `ffhq256`,
FFHQ faces at 256 pixels. kerasgan downloads it once, reads it without running anything
inside the pickle, checks it and converts G, D and G_ema, the generator average.

Without internet (or with `--network none`, and always in quick mode) there is nothing to
download, and the run below trains from scratch instead: the cell says so.
"""

start_from = None
if not args.quick and args.network != "none":
    from kerasgan.errors import KerasganError
    from kerasgan.nvidia.networks import download_named_network

    try:
        start_from = str(download_named_network(args.network))
        print(f"Fine-tuning NVIDIA's {args.network} network ({start_from}).")
    except KerasganError as error:  # offline: one sentence naming the address
        print(f"{error}\nSo this run trains from scratch instead.")

"""
## 4. Train StyleGAN2-ADA, and continue after a disconnect

This is the command (without internet: no `--resume-from`, and `--image-size 128`)

```
kerasgan train stylegan2 --dataset datasets/own_video --resume-from ffhq256 --cfg auto --augment-p ada --kimg 500
```

`--resume-from ffhq256` copies NVIDIA's networks into a new run, which takes their
settings: 256 pixels (your images are resized to it), the widths, the mapping network.
`--cfg auto` chooses the batch, the R1 weight gamma and the generator average from the
resolution (from scratch, the networks' widths too), as StyleGAN2-ADA's `--cfg auto`;
`--freeze-discriminator-layers N` would keep D's first N layers as NVIDIA trained them
(FreezeD, for very few images); `--augment-p ada`
turns on ADA with its own augmentations (`bgc`: blits, geometric and colour transforms).
Training counts in **kimg**, thousands of real images shown to the discriminator.
Every interval (4 kimg here) the run folder gets a grid of the same 64 latent vectors,
a line in `stats.jsonl` and a full checkpoint; every 10 intervals a generator snapshot.

Colab stops a session after a few hours, or when the browser is idle. The run folder is on
your Drive: **run this cell again** (after the cells above) and training continues from
the last checkpoint, with its step, optimizer state, augmentation p and random state; at
most one interval is lost. Raise `--kimg` to train longer; the same cell continues the
same run. How long 1,000 kimg takes depends on the GPU: watch the img/s in each
interval's line.

The quick run trains a tiny model (`--cfg small`, 32 pixels) for 1 kimg on the CPU:
enough to see the grids move, not to draw digits.
"""

if args.quick:
    settings = dict(cfg="small", image_size=32, kimg=args.kimg or 1, batch_size=8, latent_dim=16,
                    augment="translation", augment_p="ada", interval_steps=40)  # fmt: skip
elif start_from:
    # The network fixes the widths and the image size (the data are resized to it).
    from kerasgan.nvidia.networks import NAMED_NETWORKS

    settings = dict(cfg="auto", resume_from=start_from, image_size=NAMED_NETWORKS[args.network][1],
                    kimg=args.kimg or 500, augment_p="ada", interval_steps=125,
                    snapshot_every=10)  # fmt: skip
else:
    settings = dict(cfg="auto", image_size=128, kimg=args.kimg or 1000, augment_p="ada",
                    interval_steps=125, snapshot_every=10)  # fmt: skip
run = kerasgan.train("stylegan2", dataset=dataset, outdir=results, verbose=2, **settings)
print("run folder:", run.path)

"""
## 5. Watch the fakes

`reals.png` shows what the model trains on, `fakes_init.png` the generator it starts from
(NVIDIA's faces when fine-tuning, noise from scratch), and
the latest `fakes_*.png` where it is now: the same latent vectors each time, so you
watch the same images form. ADA's p is in `stats.jsonl`: it rises when the discriminator
starts to recognise the training images (its outputs on reals, r_t, pass 0.6) and falls
when it does not.
"""

stats = run.stats()
last = stats[-1]
print(f"{len(stats)} intervals, {last['images_seen'] / 1000:.1f} kimg; "
      f"augmentation p {last['augment_p']:.3f}, r_t {last['d_real_sign']:.2f}")
show(run.reals_path, run.initial_grid_path, run.grid_path(last["interval"]))

"""
## 6. Pick a snapshot

The snapshots are the generator average (an exponential moving average of the
generator's weights, which draws smoother images) at the intervals listed below. The
latest is not always the best: pick the one whose grid you like (in a notebook, set
`snapshot = run.snapshot_path(40)`, or pass `--snapshot`).
"""

for path in run.snapshots():
    print(path.name)
snapshot = Path(args.snapshot) if args.snapshot else run.latest_snapshot()
print("using", snapshot)

"""
## 7. Generate, with truncation

The **truncation trick** moves each `w` toward the average `w` (tracked during training):
`w = w_avg + psi * (w - w_avg)`. psi 1 changes nothing; smaller psi gives more typical,
cleaner images and less variety; psi 0 gives the one average image for every seed.
`--noise-mode const` keeps the per-pixel noise fixed, so a seed always gives the same
image. The same eight seeds at three values of psi:
"""

for psi in (1.0, 0.7, 0.4):
    run_kerasgan("generate", "--snapshot", snapshot, "--seeds", "0-7", "--trunc", psi,
                 "--noise-mode", "const", "--out", week / f"truncation_{psi}.png")  # fmt: skip
show(*(week / f"truncation_{psi}.png" for psi in (1.0, 0.7, 0.4)))

"""
## 8. A style mixing grid

The grid of the StyleGAN paper's figure 3: the top row and the left column are the
images of their own seeds; the cell in row r and column c takes the ws listed in
`--styles` from row r's image and all the others from column c's. With the coarse styles
(the first ws, 4 to 16 pixels) each cell keeps its row's layout and shape in its
column's colours and fine detail; try `--styles 4-7` to take the fine styles from the
row instead. (NVIDIA's `style_mixing.py` takes `--styles` from the column: the same grid
with rows and columns swapped.)
"""

run_kerasgan("generate", "--snapshot", snapshot, "--style-mix", "--rows", "85,100,75",
             "--cols", "55,821,1789", "--styles", "0-3", "--out", week / "style_mix.png")  # fmt: skip
show(week / "style_mix.png")

"""
## 9. A walk in W

A loop through the ws of a few seeds, with truncation: each frame is one w on the
straight line between two keyframes, so the images morph into each other and back to the
first. (In W, the learned space, straight lines are the natural path; z, a Gaussian, is
walked in arcs.)
"""

steps = 4 if args.quick else 30
run_kerasgan("generate", "--snapshot", snapshot, "--seeds", "1,5,9", "--interpolate",
             "--trunc", 0.7, "--steps", steps, "--out", week / "walk.gif")  # fmt: skip
show(week / "walk.gif")

"""
## 10. Project a photo into the model

`kerasgan project` searches for the w that draws a picture: it starts from the average w
and follows the gradient of the distance between the generated image and the target,
as NVIDIA's projector does (with noise regularisation and a learning-rate ramp). In
`--space w+` there is one w per layer, which fits a photo more closely than one w for all.
It writes `target.png`, `projected.png`, `comparison.png` (target | projected |
difference), `projected_w.npy`, a video of the search and `projection.json` with the
distances.

A model only draws what it has seen: your face projects well into a model trained on
faces. Upload a photo (on Colab: the folder icon, then upload) and pass `--photo face.jpg`
(in a notebook: `photo = Path("face.jpg")`); it is cropped to a square and resized. By
default we project a held-out frame of the video, one the model never trained on; in
the quick run (and with `--data`), one of the generator's own images, which a good
projection finds again.
"""

projection = week / "projection"
if args.photo:
    photo = Path(args.photo)
elif held_out_frame is not None:
    photo = held_out_frame
else:
    run_kerasgan("generate", "--snapshot", snapshot, "--seeds", 7, "--noise-mode", "const",
                 "--outdir", week / "own_image")  # fmt: skip
    photo = week / "own_image" / "seed0007.png"
run_kerasgan("project", "--snapshot", snapshot, "--target", photo, "--space", "w+",
             "--steps", 30 if args.quick else 1000, "--outdir", projection)  # fmt: skip
report = json.loads((projection / "projection.json").read_text())
print(f"projected in {report['space']}: PSNR {report['psnr_db']:.1f} dB after {report['steps']} steps "
      "(higher is closer)")
show(projection / "comparison.png")  # target | projected | difference

"""
The projected ws are a latent like any other: draw them again, or walk from a seed's
image to your photo and back.
"""

run_kerasgan("generate", "--snapshot", snapshot, "--projected-w", projection / "projected_w.npy",
             "--out", week / "projected_again.png")  # fmt: skip
show(week / "projected_again.png")
run_kerasgan("generate", "--snapshot", snapshot, "--seeds", 1, "--projected-w",
             projection / "projected_w.npy", "--interpolate", "--steps", steps,
             "--out", week / "walk_to_the_photo.gif")  # fmt: skip
show(week / "walk_to_the_photo.gif")

"""
## 11. Take the model with you

`kerasgan export` writes the generator as a TensorFlow SavedModel (TensorFlow Serving,
TensorFlow.js) or a TFLite file (a phone, a Raspberry Pi) that maps z to an image, with
the truncation you chose and constant noise built in, and checks it against the Keras
model. `generator.json` beside it says what to feed it.
"""

run_kerasgan("export", "--generator", snapshot, "--format", "savedmodel" if args.quick else "tflite",
             "--trunc", 0.7, "--out", week / "exported")  # fmt: skip
print("Wrote the week's pictures to", week)

"""
## Next

- Train longer: a larger `--kimg` in step 4 continues the same run.
- Another video, or several videos of one kind of scene in one dataset folder.
- `--resume-from` a run of yours to fine-tune it on new frames (transfer learning).
- A latent walk through your projected photo and some seeds, as a video for the class.
"""
