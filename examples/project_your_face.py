"""
Title: Project your face into StyleGAN2: align, project, walk, mix styles, export
Author: kerasgan
Description: The in-class StyleGAN task: upload a photo of your face, align it the way
FFHQ's faces were aligned, find the ws that draw it in a face network, draw it again,
walk to it from a random face, mix its styles with other faces, pull it toward the
average face, and export the network.
"""

"""
## Introduction

A StyleGAN2 network trained on faces draws a face from a style vector `w`: one `w` per
layer, the first layers deciding the pose and the shape of the face, the last ones the
colours and the skin. **Projection** runs this backwards: it searches for the ws whose
face is closest to *your* photo (Karras et al. 2020, https://arxiv.org/abs/1912.04958,
section 5). Once your face is a `w`, everything the network does with its own faces it
does with yours: walks, style mixing, truncation.

But the network only knows faces framed the way its training photos were. NVIDIA's FFHQ
faces were all **aligned**: the eyes level and at fixed places, the face upright, a square
crop from the hair to the chin. A selfie projected as it is lands far from every face the
network knows; aligned first, it lands near them. So step 2 finds five landmarks on your
face (eyes, nose, mouth corners, with MTCNN, whose small networks ship inside its Python
package) and cuts out FFHQ's square.

Run this as `python examples/project_your_face.py --snapshot G.keras --photo me.jpg` with
a StyleGAN2 network trained on aligned faces (on Colab: Runtime -> Change runtime type ->
GPU; the notebook asks you to upload a photo). `--quick` runs every step offline on a CPU
in a couple of minutes, on Grace Hopper's photo (it ships with matplotlib) and a tiny
StyleGAN2 network that kerasgan builds untrained: it shows each step works, not a face.
"""

"""
## Setup
"""

import argparse
import json
import shutil
from pathlib import Path

import cv2
import numpy as np

from kerasgan import images
from kerasgan.cli import run_kerasgan  # runs a `kerasgan ...` command line, as a terminal would
from kerasgan.faces.landmarks import read_photo
from kerasgan.images import show  # shows pictures in a notebook, prints their paths elsewhere
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="Project your face into StyleGAN2.")
parser.add_argument("--quick", action="store_true", help="offline, tiny and fast (a CPU is enough)")
parser.add_argument("--snapshot", default=None,
                    help="a StyleGAN2 generator-*.keras trained on FFHQ-aligned faces")  # fmt: skip
parser.add_argument("--photo", default=None, help="a photo of your face (on Colab: upload one)")
parser.add_argument("--outdir", default="your_face", help="where the pictures go")
parser.add_argument("--steps", type=int, default=None, help="projection steps (default 1000)")
args, _ = parser.parse_known_args()
outdir = Path(args.outdir)
outdir.mkdir(parents=True, exist_ok=True)


"""
## 1. Your photo

On Colab, the cell asks you to upload a photo (a selfie, the face seen from the front, in
good light). It is copied next to the other files (on your Drive), so running the notebook
again uses it without asking. Elsewhere pass `--photo me.jpg`. The quick run uses Grace
Hopper's portrait, which ships with matplotlib.
"""

kept_photos = sorted(outdir.glob("photo.*"))
if args.photo:
    photo = Path(args.photo)
elif args.quick:
    import matplotlib.cbook

    photo = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
elif kept_photos:
    photo = kept_photos[0]
    print("using the photo uploaded before:", photo)
else:
    try:
        from google.colab import files as colab_files
    except ImportError:
        raise SystemExit("Pass a photo of your face: --photo me.jpg") from None
    uploaded = colab_files.upload()  # a button under the cell
    name, data = next(iter(uploaded.items()))
    photo = outdir / f"photo{Path(name).suffix.lower() or '.jpg'}"
    photo.write_bytes(data)
print("photo:", photo)

"""
## 2. The network

A StyleGAN2 snapshot trained on aligned faces: `--snapshot` names it (a run of
`kerasgan train stylegan2` on aligned faces, or a converted FFHQ network). The quick run
builds a tiny one, 32 pixels and untrained, with kerasgan's own StyleGAN2 builder: its
faces are coloured noise, but every step below runs on it as on a real network.
"""

if args.snapshot:
    snapshot = Path(args.snapshot)
elif args.quick:
    import keras

    from kerasgan.models.stylegan2_networks import stylegan2_generator

    snapshot = outdir / "tiny_generator.keras"
    if not snapshot.exists():
        keras.utils.set_random_seed(0)
        tiny = stylegan2_generator(32, 3, latent_dim=16, w_dim=16, mapping_layers=2,
                                   channel_base=128, channel_max=16, seed=1)  # fmt: skip
        tiny.save(snapshot)
else:
    raise SystemExit("Pass --snapshot: a StyleGAN2 generator-*.keras trained on aligned faces.")
print("network:", snapshot)

"""
## 3. Align the face as FFHQ's were

`kerasgan align-face` finds every face, and on each five landmarks. From the eyes and the
mouth it chooses an upright square: its x axis along the eye line (averaged with the
eye-to-mouth line turned by 90 degrees, so a tilted head comes out level), its side four
eye distances (or 3.6 eye-to-mouth distances, whichever is larger), its centre a little
below the eyes. Where the square leaves the photo, the photo is mirrored outward and
blurred, so the network sees no black edge. `photo-landmarks.png` shows what was done:
the landmarks in green, the square in yellow, its top edge orange.
"""

aligned_folder = outdir / "aligned"
run_kerasgan("align-face", photo, "--out", aligned_folder, "--size", 256, "--largest")
landmarks_picture = aligned_folder / f"{photo.stem}-landmarks.png"
aligned_picture = aligned_folder / f"{photo.stem}.png"
# One picture of both, the photo with its landmarks beside the aligned face, at one height.
drawn, aligned = read_photo(landmarks_picture), read_photo(aligned_picture)
height = aligned.shape[0]
width = round(drawn.shape[1] * height / drawn.shape[0])
side_by_side = np.concatenate([cv2.resize(drawn, (width, height), interpolation=cv2.INTER_AREA),
                               aligned], axis=1)  # fmt: skip
images.save_image(outdir / "alignment.png", side_by_side)
show(outdir / "alignment.png")

"""
## 4. Project it, in W+ with VGG16 features

`kerasgan project --align` aligns the photo again at the network's own size and searches
for one w per layer (W+) whose face is closest to it, as NVIDIA's projector does: from the
average w, with noise on w early in the search and a learning rate that ramps up and
down. The distance is LPIPS-style VGG16 features (`--perceptual vgg`, which downloads
ImageNet's VGG16 weights once; on a GPU, 1000 steps take a few minutes). The quick run
uses kerasgan's offline multiscale distance and 30 steps.

The projection is kept on your Drive: run the notebook again and it is not searched
again (delete the `projection` folder to search anew).
"""

projection = outdir / "projection"
steps = args.steps or (30 if args.quick else 1000)
perceptual = "multiscale" if args.quick else "vgg"
wanted = {"snapshot": str(snapshot), "steps": steps, "perceptual": perceptual}
done = projection / "projection.json"
if (projection / "projected_w.npy").is_file() and done.is_file() and all(
    json.loads(done.read_text()).get(key) == value for key, value in wanted.items()
):
    print(f"{projection} holds this projection already: kept (delete it to project again).")
else:
    run_kerasgan("project", "--snapshot", snapshot, "--target", photo, "--align",
                 "--space", "w+", "--perceptual", perceptual, "--steps", steps,
                 "--outdir", projection)  # fmt: skip
report = json.loads(done.read_text())
print(f"projected in W+: PSNR {report['psnr_db']:.1f} dB after {report['steps']} steps")
show(projection / "comparison.png")  # aligned photo | projected | difference

"""
## 5. Draw it again from the ws

`projected_w.npy` holds your ws, (num_ws, w_dim). `kerasgan generate --projected-w` draws
them again: the same face as the projection's, because the network's noise is constant.
"""

projected_w = projection / "projected_w.npy"
run_kerasgan("generate", "--snapshot", snapshot, "--projected-w", projected_w,
             "--out", outdir / "your_face_again.png")  # fmt: skip
show(outdir / "your_face_again.png")

"""
## 6. A walk from a random face to yours

A straight line in W from the face of seed 1 to your face and back, as a GIF.
"""

walk_steps = 4 if args.quick else 30
run_kerasgan("generate", "--snapshot", snapshot, "--seeds", 1, "--projected-w", projected_w,
             "--interpolate", "--steps", walk_steps, "--out", outdir / "walk_to_you.gif")  # fmt: skip
show(outdir / "walk_to_you.gif")

"""
## 7. Your face, style-mixed with others

Each cell takes some of its ws from your face and the rest from another face. Top: your
coarse styles (pose, face shape: the first ws) with the fine styles (colours, skin, hair
texture) of three random faces. Bottom: their coarse styles with your fine ones.
"""

from kerasgan.snapshots import sampling, stylegan2_sampling  # noqa: E402

generator = sampling.load_generator(snapshot)
your_ws = stylegan2_sampling.load_projected_ws(projected_w, generator)
other_ws = stylegan2_sampling.ws_for_seeds(generator, [55, 821, 1789], truncation_psi=0.7)
coarse = list(range(max(1, min(7, stylegan2_sampling.num_ws(generator) // 2))))
yours_coarse = stylegan2_sampling.style_mixing_grid(generator, your_ws, other_ws, coarse)
theirs_coarse = stylegan2_sampling.style_mixing_grid(generator, other_ws, your_ws, coarse)
images.save_image(outdir / "your_coarse_styles.png", yours_coarse.image)
images.save_image(outdir / "their_coarse_styles.png", theirs_coarse.image)
show(outdir / "your_coarse_styles.png", outdir / "their_coarse_styles.png")

"""
## 8. Toward the average face

Truncation pulls every w toward the network's average w: `w_avg + psi * (w - w_avg)`. At
psi 1 your face, at psi 0 the average face of the network's training photos, and between
them your face made more typical, step by step.
"""

w_average = stylegan2_sampling.w_average(generator)
psis = [1.0, 0.75, 0.5, 0.25, 0.0]
pulled = np.stack([w_average + psi * (your_ws[0] - w_average) for psi in psis])
images.save_grid(outdir / "toward_the_average.png", stylegan2_sampling.synthesize(generator, pulled),
                 columns=len(psis))  # fmt: skip
show(outdir / "toward_the_average.png")

"""
## 9. Take the network with you

`kerasgan export` writes the generator as a TensorFlow SavedModel (or a TFLite file for
a phone) mapping z to a face, with truncation and constant noise built in.
`generator.json` beside it says what to feed it.
"""

exported = outdir / "exported"
if exported.exists():
    shutil.rmtree(exported)  # a rerun exports again
run_kerasgan("export", "--generator", snapshot, "--format", "savedmodel",
             "--trunc", 0.7, "--out", exported)  # fmt: skip
print("Wrote your face's pictures to", outdir)

"""
## Next

- The class photo: put every student's selfie in one folder and run
  `kerasgan class-photo selfies/ --snapshot G.keras --out class`: the grid of everyone's
  projected faces, the class's average face and a morph through every face.
- Project again in `--space w` (one w for every layer): less close to the photo, but
  walks and style mixing from it look more like the network's own faces.
"""
