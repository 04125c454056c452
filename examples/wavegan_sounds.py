"""
Title: Fake sounds: WaveGAN on your own recordings, and a drum machine to play them
Author: kerasgan
Description: Cut a video's sound track into clips, train WaveGAN on them on Colab's GPU
(the run folder on Google Drive, continued after a disconnect), listen to what it makes
in the notebook, and play its sounds on a drum machine page.
"""

"""
## Introduction

WaveGAN (Donahue, McAuley and Puckette, ICLR 2019, https://arxiv.org/abs/1802.04208) makes
raw sound: 16,384 numbers, about one second at 16 kHz. It is the DCGAN flattened to one
dimension: where the DCGAN's generator doubles a picture's side five times with 5 x 5
transposed convolutions, WaveGAN's makes a row of samples four times longer five times
with transposed convolutions of length 25. Its discriminator listens through strided 1-D
convolutions, and **phase shuffle** moves what each of its layers hears by up to two
samples at random, so it cannot catch the generator by the tiny periodic pattern its
upsampling leaves. It trains with WGAN-GP, as the paper does.

This notebook:

1. builds a dataset of clips from a video's sound (`kerasgan dataset audio`);
2. trains WaveGAN on it (`kerasgan train wavegan`), in a run folder on your Drive;
3. lets you listen to the sounds of one fixed set of latent vectors as they grow up;
4. writes a drum machine page whose pads play the generator's sounds.

Run it as `python examples/wavegan_sounds.py` (on a GPU: Colab, Runtime -> Change runtime
type -> GPU), or with `--quick` for an offline tour on a CPU in a few minutes: it trains the
narrow `small` config briefly on the spoken digits `--data` names (an `.npz` of clips, such
as `spoken_digits.npz`), which is too short to make words but shows every step.
"""

"""
## Setup
"""

import argparse
from pathlib import Path

import kerasgan
from kerasgan.cli import run_kerasgan  # runs a `kerasgan ...` command line, as a terminal would
from kerasgan.images import show  # shows pictures and plays .wav files in a notebook
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="WaveGAN on your own sounds, and a drum machine.")
parser.add_argument("--quick", action="store_true", help="offline, small and fast (a CPU is enough)")
parser.add_argument("--video", default=None,
                    help="a video (URL or file) whose sound to learn (default: a drum video)")  # fmt: skip
parser.add_argument("--data", default=None,
                    help="clips to train on instead: an .npz of clips or a folder of .wav files")  # fmt: skip
parser.add_argument("--workdir", default=".", help="where datasets/, results/ and sounds/ go")
parser.add_argument("--kimg", type=int, default=None, help="thousands of clips to train on")
args, _ = parser.parse_known_args()
workdir = Path(args.workdir)
sounds = workdir / "sounds"  # what this notebook writes to listen to
sounds.mkdir(parents=True, exist_ok=True)


"""
## 1. A dataset from a video's sound

`kerasgan dataset audio` downloads only the sound (yt-dlp), decodes it with PyAV (FFmpeg's
decoders come inside its wheel), and with `--slice onsets` starts a clip wherever a new
sound starts: one drum hit per clip. `--slice fixed` cuts back-to-back clips instead, for
rain, engines or speech. Silent clips are dropped, each clip is scaled to the same peak,
and the end of each source is kept apart as `test/`. Pick a video of one kind of sound
(a drum solo, a kalimba, birdsong) and check its license; running the cell again with the
same folder stops, so delete the folder to build it again.

In quick mode, or with `--data`, this step is skipped.
"""

DRUM_VIDEO = "https://youtu.be/VIDEO_ID"  # put the link of a drum solo you may use here
if args.data or args.quick:
    if not args.data:
        raise SystemExit("Quick mode trains on clips you name: add --data spoken_digits.npz (an .npz of clips).")
    dataset = args.data
    print("training clips:", dataset)
else:
    dataset = workdir / "datasets" / "own_sounds"
    if not dataset.exists():
        run_kerasgan("dataset", "audio", args.video or DRUM_VIDEO, "--out", dataset, "--slice", "onsets")
    show(dataset / "clips.png")

"""
## 2. Train WaveGAN, and continue after a disconnect

This is the command

```
kerasgan train wavegan --dataset datasets/own_sounds --kimg 2000
```

The paper's config: z of 100, d = 64, phase shuffle 2, WGAN-GP with five discriminator
steps per generator step, Adam(1e-4, 0.5, 0.9), batches of 64. After every interval the
run folder gets `fakes_NNNNNN.png` (the same 16 latent vectors each time: waveform above,
spectrogram below), their `.wav` files in `fakes_NNNNNN/`, a page to hear them
(`fakes_NNNNNN.html`), a snapshot and a checkpoint. Run this cell again after a
disconnect and the run continues where it stopped.

The quick run trains the `small` config (8 kHz, 4,096 samples, narrow networks) with the
hinge loss for a few hundred steps: sounds change from hiss toward voiced noise, no words yet.
"""

if args.quick:
    settings = dict(cfg="small", model_dim=8, loss="hinge", discriminator_steps=1,
                    learning_rate=1e-3, batch_size=32, kimg=args.kimg or 6, interval_steps=60)  # fmt: skip
else:
    settings = dict(cfg="paper", kimg=args.kimg or 2000, interval_steps=500, snapshot_every=4)
run = kerasgan.train("wavegan", dataset=dataset, outdir=workdir / "results", verbose=2, **settings)
print("run folder:", run.path)

"""
## 3. Listen

The first interval's sounds and the last: the same latent vectors, so the same "voices".
With spoken digits, `stats.jsonl` also holds how a classifier of the ten words hears 256 of
them: the share it recognises, how many different words, its classifier score (the paper's
"inception score") and the Frechet distance to the real clips (lower is closer).
"""

stats = run.stats()
last = stats[-1]
print({key: last[key] for key in ("step", "recognised_share", "classifier_score", "frechet_distance") if key in last})
show(run.reals_path, run.initial_grid_path, run.grid_path(last["interval"]))
show(*sorted((run.path / f"fakes_{last['interval']:06d}").glob("*.wav"))[:4])

"""
## 4. More sounds, a walk, and a drum machine

`kerasgan generate` writes `.wav` files (one per seed), and `--interpolate` walks between
the latent vectors of a few seeds as one long `.wav` that slowly turns one sound into the
next. `kerasgan drum-machine` writes one page with eight pads, each holding a generated
sound, a bank of 64 more ("Change" on a pad draws one), and a 16-step sequencer. It works
offline: download it and open it in a browser.
"""

snapshot = run.latest_snapshot()
run_kerasgan("generate", "--snapshot", snapshot, "--seeds", "0-3", "--outdir", sounds / "seeds")
run_kerasgan("generate", "--snapshot", snapshot, "--seeds", "0-3", "--interpolate", "--steps", 4,
             "--out", sounds / "walk.wav")  # fmt: skip
run_kerasgan("drum-machine", "--snapshot", snapshot, "--out", sounds / "drums.html")
show(sounds / "walk.wav")
print("Open", sounds / "drums.html", "in a browser to play the drum machine.")
