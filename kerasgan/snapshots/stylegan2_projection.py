"""Projection into StyleGAN2: find the w whose image is closest to a picture (your face, say).

A StyleGAN2 generator draws in two stages: the mapping network turns z into w, and
the synthesis network turns w (one copy per layer) into an image. Projection
searches in W, not in z: W is where the generator's styles live, and it is smoother
to walk in. Two spaces can be searched (`space=`):

- "w": one w shared by every layer, the image a sample of the generator could be.
  Faithful to the model, so walks and style mixing from it behave well.
- "w+": one w per layer (`num_ws` of them). Far more freedom, so far closer to the
  picture, but the found ws can leave the region the generator was trained on.
  The search runs in W for the first half of the steps (see below).

The method is NVIDIA's StyleGAN2 projector (Karras et al. 2020, section 5,
https://arxiv.org/abs/1912.04958; `projector.py` of StyleGAN2-ADA):

1. Map 10,000 random z to w: their mean is where the search starts (the average
   image), their spread `w_std` sizes the noise of step 3.
2. Adam moves w with a learning rate that ramps up over the first 5% of the steps
   and down (a half cosine) over the last 25%.
3. Gaussian noise is added to w at each step, `w_std * 0.05 * (1 - t / 0.75)^2`: it
   shakes the search out of poor local minima early and is gone by three quarters.
4. The per-pixel noise images (the synthesis layers' "const" noise) are searched too,
   from fresh random ones. Left alone they would copy the picture's details, so a
   regularization (weight 1e5) pushes the correlation between each noise pixel and
   its neighbours to zero, at every scale of a pyramid, and each noise image is scaled
   back to mean 0 and standard deviation 1 after every step.

NVIDIA's projector searches W only. A W+ search from the start lets the layers pull
apart and settle on a poor image, so here W+ is two searches: W for half the steps,
then each layer's own w from where the first ended, with its own ramp and without
noise on w (it served to find the right region and would now shake the result).

The distance is kerasgan's own (`kerasgan.snapshots.projection.image_distance`): pixels plus
multiscale edges by default, or LPIPS-style VGG16 features with `perceptual="vgg"`.

The searched noise images serve the search only: the snapshot's own noise is put back
at the end and the result is drawn with it, exactly as `kerasgan generate --projected-w`
draws it again.

Example:

```python
from kerasgan.snapshots.projection import load_target
from kerasgan.snapshots.sampling import load_generator
from kerasgan.snapshots.stylegan2_projection import project_stylegan2

generator = load_generator("generator-000100.keras")
target, note = load_target("face.jpg", generator.outputs[0].shape[1:])
result = project_stylegan2(generator, target, space="w+", steps=1000)
np.save("projected_w.npy", result.ws)  # (num_ws, w_dim)
result.psnr                            # dB against the target
```
"""

import math
from dataclasses import dataclass

import numpy as np

from kerasgan.snapshots import projection
from kerasgan.snapshots.stylegan2_sampling import is_stylegan2

SPACES = ("w", "w+")


@dataclass
class StyleGAN2Projection:
    """What `project_stylegan2` found.

    Attributes:
        ws: (num_ws, w_dim) float32: the w of every synthesis layer (all equal for space "w").
        image: (H, W, C) float32 in [-1, 1], drawn from `ws` with the snapshot's own noise.
        frames: (F, H, W, C) the search's image every `frame_every` steps, then `image`.
        frame_steps: the step of each frame.
        distances: the distance to the target at every step (without the noise regularization).
        distance: the distance of `image` to the target.
        pixel_mse: mean squared pixel error of `image`, on the 0-1 scale.
        psnr: peak signal-to-noise ratio of `image` in dB (higher is closer).
        space: "w" or "w+".
    """

    ws: np.ndarray
    image: np.ndarray
    frames: np.ndarray
    frame_steps: list
    distances: list
    distance: float
    pixel_mse: float
    psnr: float
    space: str


def w_statistics(generator, label=None, samples=10_000, seed=123):
    """The mean w and the spread of w over `samples` random z (NVIDIA's step 1).

    Returns:
        `(w_mean, w_std)`: (w_dim,) float32, and the root mean squared distance of a w
        to the mean (one number).
    """
    mapping = generator.get_layer("mapping")
    latents = np.random.default_rng(seed).standard_normal((samples, mapping.latent_dim))
    inputs = latents.astype("float32")
    if label is not None:
        inputs = [inputs, np.full((samples,), int(label), "int32")]
    # truncation_psi=1: the statistics of the untruncated W, whatever the snapshot's default.
    ws = np.asarray(mapping(inputs, truncation_psi=1.0))[:, 0]
    w_mean = ws.mean(axis=0)
    w_std = float(np.sqrt(np.sum(np.square(ws - w_mean)) / samples))
    return w_mean.astype("float32"), w_std


def learning_rate_ramp(step, steps, rampdown=0.25, rampup=0.05):
    """The learning rate's factor at `step`: up linearly over the first `rampup` of the
    steps, flat, then down as a half cosine over the last `rampdown` (NVIDIA's step 2)."""
    t = step / steps
    down = min(1.0, (1.0 - t) / rampdown)
    down = 0.5 - 0.5 * math.cos(down * math.pi)
    return down * min(1.0, t / rampup)


def noise_regularization(noise_images):
    """Sum of squared neighbour correlations of each noise image, over a pyramid (NVIDIA's step 4).

    White noise is uncorrelated with itself shifted by one pixel. Noise that has learned
    a picture's shapes is not; halving the image up to 8x8 catches wide shapes too.
    """
    import tensorflow as tf

    total = 0.0
    for noise in noise_images:
        noise = noise[tf.newaxis]  # (1, H, W, 1)
        while True:
            total += tf.square(tf.reduce_mean(noise * tf.roll(noise, shift=1, axis=2)))
            total += tf.square(tf.reduce_mean(noise * tf.roll(noise, shift=1, axis=1)))
            if noise.shape[1] <= 8:
                break
            noise = tf.nn.avg_pool2d(noise, ksize=2, strides=2, padding="VALID")
    return total


def project_stylegan2(
    generator,
    image,
    space="w+",
    steps=1000,
    label=None,
    perceptual="multiscale",
    perceptual_weight=1.0,
    learning_rate=0.1,
    w_noise=0.05,
    noise_weight=1e5,
    optimize_noise=True,
    frame_every=10,
    seed=0,
    progress=None,
):
    """Finds the ws whose image is closest to `image`, as NVIDIA's StyleGAN2 projector does.

    Args:
        generator: a StyleGAN2 generator (`stylegan2_generator` or a loaded snapshot).
        image: the target, float (H, W, C) in [-1, 1] with the generator's image shape
            (`kerasgan.snapshots.projection.load_target` reads and fits a file).
        space: "w" (one w for every layer) or "w+" (one w per layer, after half the steps in W).
        steps: Adam steps in all (NVIDIA's default is 1000).
        label: the class (an integer) for a conditional generator, None otherwise.
        perceptual: "multiscale" (also "edges"), "vgg" or "none" (see `kerasgan.snapshots.projection`).
        perceptual_weight: how much the feature distance counts against the pixels.
        learning_rate: Adam's peak learning rate (see `learning_rate_ramp`).
        w_noise: the noise on w at the first step, as a fraction of `w_std`; 0 turns it off.
        noise_weight: weight of `noise_regularization`.
        optimize_noise: search the per-pixel noise images too (the snapshot's own are put
            back at the end either way).
        frame_every: record the search's image every this many steps.
        seed: the starting noise images and the noise on w.
        progress: None, or a function called after every step with `(step, distance)`
            (steps counted from 1).

    Returns:
        A `StyleGAN2Projection` (ws, image, frames, distances, PSNR).
    """
    import keras
    import tensorflow as tf

    if not is_stylegan2(generator):
        raise ValueError(
            f"{getattr(generator, 'name', generator)} is not a StyleGAN2 generator (it has no "
            "mapping and synthesis networks): use kerasgan.snapshots.projection.project for other generators."
        )
    if space not in SPACES:
        raise ValueError(f"space must be 'w' or 'w+'; got {space!r}.")
    if steps < 1 or frame_every < 1:
        raise ValueError(
            f"steps and frame_every must each be at least 1; got {steps} and {frame_every}."
        )
    target, _ = projection.check_target(generator, image, label)
    synthesis = generator.get_layer("synthesis")

    distance_to_target = projection.image_distance(target, perceptual, perceptual_weight)
    w_mean, w_std = w_statistics(generator, label)
    num_ws = synthesis.num_ws
    noise_variables = []
    if optimize_noise:
        noise_variables = [
            layer.noise_const for layer in synthesis.conv0_layers + synthesis.conv1_layers
        ]
    snapshot_noise = [variable.numpy() for variable in noise_variables]
    random = np.random.default_rng(seed)
    distances, frames, frame_steps = [], [], []

    def search(stage_space, start, stage_steps, first_step, noise_fraction):
        """One Adam search with its own learning rate ramp, from `start` (1, 1 or num_ws, w_dim)."""
        # W: one w, repeated for every layer when drawn. W+: every layer's w is its own variable.
        if stage_space == "w+":
            start = np.repeat(start, num_ws // start.shape[1], axis=1)
        w_search = tf.Variable(start)
        searched = [w_search] + noise_variables
        optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.9, beta_2=0.999)

        @tf.function
        def search_step(noise_on_w):
            # The noise images are not trainable weights, so the tape is told to watch them.
            noise_images = [variable.value for variable in noise_variables]
            with tf.GradientTape() as tape:
                tape.watch(noise_images)
                noisy = w_search + noise_on_w
                generated = synthesis(tf.repeat(noisy, num_ws // noisy.shape[1], axis=1),
                                      noise_mode="const")
                distance = distance_to_target(generated)[0]
                loss = distance
                if noise_images:
                    loss += noise_weight * noise_regularization(noise_images)
            gradients = tape.gradient(loss, [w_search] + noise_images)
            optimizer.apply(gradients, searched)
            # Back to mean 0 and standard deviation 1: the noise may move, not grow or drift.
            for variable in noise_variables:
                centred = variable - tf.reduce_mean(variable)
                variable.assign(centred * tf.math.rsqrt(tf.reduce_mean(tf.square(centred))))
            return distance, generated[0]

        for step in range(stage_steps):
            t = step / stage_steps
            scale = w_std * noise_fraction * max(0.0, 1.0 - t / 0.75) ** 2
            noise_on_w = (scale * random.standard_normal(start.shape)).astype("float32")
            optimizer.learning_rate = learning_rate * learning_rate_ramp(step, stage_steps)
            distance, generated = search_step(tf.constant(noise_on_w))
            distances.append(float(distance))
            if (first_step + step) % frame_every == 0:
                frames.append(generated.numpy())
                frame_steps.append(first_step + step)
            if progress is not None:
                progress(first_step + step + 1, distances[-1])
        return w_search.numpy()

    # W+ is a W search for half the steps, then each layer's own (see the module docstring):
    # on the tests' tiny generator, W+ from the start ended at 20 dB, this way at 62 dB.
    shared_steps = steps if space == "w" else steps // 2
    try:
        # NVIDIA's projector starts from fresh noise images, not the snapshot's.
        for variable in noise_variables:
            variable.assign(random.standard_normal(variable.shape).astype("float32"))
        ws = w_mean[np.newaxis, np.newaxis]
        if shared_steps:
            ws = search("w", ws, shared_steps, 0, w_noise)
        if space == "w+":
            ws = search("w+", ws, steps - shared_steps, shared_steps, 0.0)
    finally:
        # The snapshot's own noise goes back, even after a Ctrl-C: the model is left as it came.
        for variable, values in zip(noise_variables, snapshot_noise):
            variable.assign(values)

    ws = np.repeat(ws[0], num_ws // ws.shape[1], axis=0).astype("float32")
    final = synthesis(ws[np.newaxis], noise_mode="const")
    result_image = np.asarray(final)[0]
    frames.append(result_image)
    frame_steps.append(steps)
    pixel_mse, psnr = projection.pixel_error(result_image, target)
    return StyleGAN2Projection(
        ws=ws,
        image=result_image,
        frames=np.stack(frames),
        frame_steps=frame_steps,
        distances=distances,
        distance=float(distance_to_target(final)[0]),
        pixel_mse=pixel_mse,
        psnr=psnr,
        space=space,
    )


def project_command(args, generator, out):
    """`kerasgan project` for a StyleGAN2 snapshot: searches W or W+ and writes the folder `out`.

    The folder holds target.png, projected.png, comparison.png, projected_w.npy, the
    search's animation (projection.gif or .mp4) and projection.json.
    """
    from kerasgan import files

    label, target, note = projection.command_target(args, generator, require_color=True)

    space = args.space or "w+"
    steps = args.steps or 1000
    every = args.progress_every or max(1, steps // 10)
    how = "one w for every layer" if space == "w" else "one w, then one w per layer from half way"
    print(f"Searching {steps} steps in {space.upper()}: {how} ({args.perceptual} features)...")

    def progress(step, distance):
        if step % every == 0 or step == steps:
            print(f"step {step}/{steps}: distance {distance:.5f}", flush=True)

    result = project_stylegan2(
        generator,
        target,
        space=space,
        steps=steps,
        label=label,
        perceptual=args.perceptual,
        perceptual_weight=args.perceptual_weight,
        learning_rate=args.learning_rate,
        w_noise=args.noise,
        frame_every=args.frame_every,
        seed=args.seed,
        progress=progress,
    )
    animation = out / f"projection.{args.animation}"
    projection.save_pictures(out, "projected.png", animation, target, result.image, result.frames, args.fps)
    projection.save_array(out / "projected_w.npy", result.ws)
    num_ws, w_dim = result.ws.shape
    files.write_json(
        out / "projection.json",
        {
            "snapshot": str(args.snapshot),
            "target": str(args.image),
            "note": note,
            "class": label,
            "space": space,
            "steps": steps,
            "num_ws": num_ws,
            "w_dim": w_dim,
            "perceptual": args.perceptual,
            "perceptual_weight": args.perceptual_weight,
            "learning_rate": args.learning_rate,
            "noise": args.noise,
            "seed": args.seed,
            "distance": result.distance,
            "pixel_mse": result.pixel_mse,
            "psnr_db": result.psnr,
            "distance_history": result.distances,
        },
    )
    print(
        f"Closest image: distance {result.distance:.5f}, PSNR {result.psnr:.1f} dB. Wrote "
        f"target.png, projected.png, comparison.png, projected_w.npy ({num_ws}x{w_dim}), "
        f"{animation.name} and projection.json to {out}"
    )
    return 0
