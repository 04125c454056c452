"""Projection: find the latent vector whose image is closest to a given picture.

A generator maps latent vectors to images; projection runs it backwards by
search. Start from a few random latent vectors, generate their images, measure
how far each is from the target, and let Adam move the vectors downhill. The
generator's weights never change: only z does. The start that ends closest wins.

What "closest" means matters. Pixel distance alone rewards a blurry average, so
the distance here adds a feature distance (`perceptual=`):

- "multiscale" (the default, also called "edges"): pixels and edges (Sobel
  gradients) at half and quarter size, plus edges at full size. It needs no
  trained network, so it works offline and for any image size, colour or greyscale.
- "vgg": LPIPS-style features of ImageNet VGG16, the usual choice for photos.
  Keras downloads the weights on first use (about 60 MB); where that is not
  possible (no internet) it stops with one sentence. Good for Colab, not needed
  for digits.
- "none": pixels only.

kerasgan's domain classifier (`kerasgan.metrics.classifier`) is not offered:
a snapshot does not say which dataset it was trained on, training the
classifier on first use takes minutes on a CPU, and features trained to tell
classes apart ignore exactly the details a projection should match.

Two habits from the StyleGAN2 projector (Karras et al. 2020, section 5,
https://arxiv.org/abs/1912.04958) help the search: a little Gaussian noise on z
early on, fading to nothing by three quarters of the way (it shakes the search
out of poor local minima), and a learning rate that decays to zero at the end.
A small prior term keeps z at the typical length of a Gaussian vector, where
the generator was trained.

Example:

```python
generator = keras.models.load_model("generator-000010.keras")
target, note = load_target("photo.png", generator.outputs[0].shape[1:])
result = project(generator, target, steps=300)
result.latent      # (latent_dim,), e.g. np.save("latent.npy", result.latent)
result.pixel_mse   # mean squared error on the 0-1 scale; result.psnr in dB
```

A StyleGAN2 generator is searched in its W space instead, with the same distance:
see `kerasgan.snapshots.stylegan2_projection`.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# "edges" is another name for "multiscale" (pixels and edges at three sizes).
PERCEPTUAL_CHOICES = ("multiscale", "edges", "vgg", "none")


@dataclass
class Projection:
    """What `project` found.

    Attributes:
        latent: (latent_dim,) float32, the best latent vector.
        image: (H, W, C) float32 in [-1, 1], the generator's image of `latent`.
        history: the chosen start's loss at every step (pixels + features + prior).
        frames: (F, H, W, C) the chosen start's image every `frame_every` steps, then the result.
        frame_steps: the step of each frame.
        pixel_mse: mean squared pixel error of `image` against the target, on the 0-1 scale.
        psnr: peak signal-to-noise ratio in dB (higher is closer; 30 dB looks the same).
        start: which random start won.
    """

    latent: np.ndarray
    image: np.ndarray
    history: list
    frames: np.ndarray
    frame_steps: list
    pixel_mse: float
    psnr: float
    start: int


def load_target(path, image_shape, require_color=False):
    """Reads a picture and fits it to the generator's image shape.

    A picture that is not square is center-cropped, and one of another size is
    resized; the returned note says so (None when the picture already fitted).
    A colour picture for a grayscale generator is made grayscale; a grayscale one
    for a colour generator is repeated into three channels, or refused with
    `require_color=True` (no colour can be found for it).

    Returns:
        `(image, note)`: float32 (H, W, C) in [-1, 1], and a sentence or None.
    """
    import cv2

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"There is no image at {path}: pass a PNG or JPEG file.")
    height, width, channels = (int(value) for value in image_shape)
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    if path.stat().st_size == 0:
        # OpenCV refuses an empty buffer with an error of its own, not with None.
        raise ValueError(f"{path} is empty (0 bytes): pass a PNG or JPEG file.")
    picture = cv2.imdecode(np.fromfile(path, dtype=np.uint8), flag)
    if picture is None:
        raise ValueError(f"Could not read {path} as an image: pass a PNG or JPEG file.")
    if channels == 3:
        picture = picture[..., ::-1]  # OpenCV reads BGR
        # OpenCV repeats a grayscale file into three equal channels.
        if require_color and (picture == picture[..., :1]).all():
            raise ValueError(
                f"{path} is a grayscale picture but the generator draws colour images: "
                "pass a colour photo."
            )
    original = picture.shape[:2]
    notes = []
    if original[0] != original[1]:
        side = min(original)
        top, left = (original[0] - side) // 2, (original[1] - side) // 2
        picture = picture[top : top + side, left : left + side]
        notes.append(f"center-cropped from {original[1]}x{original[0]} to {side}x{side}")
    if picture.shape[:2] != (height, width):
        shrinking = picture.shape[0] > height
        # INTER_AREA averages when shrinking (no aliasing); INTER_CUBIC is smoother when growing.
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
        size = picture.shape[0]
        picture = cv2.resize(picture, (width, height), interpolation=interpolation)
        notes.append(f"resized from {size}x{size} to the generator's {width}x{height}")
    picture = picture.reshape(height, width, channels).astype("float32")
    note = f"Note: {path.name} was " + " and ".join(notes) + "." if notes else None
    return picture / 127.5 - 1.0, note


def multiscale_features(images):
    """Pixels and edges at full, half and quarter size, as a list of tensors.

    The full-size pixels are left out: the pixel term of the loss already has them.
    """
    import tensorflow as tf

    features = []
    for scale in range(3):
        if scale > 0:
            images = tf.nn.avg_pool2d(images, ksize=2, strides=2, padding="SAME")
            features.append(images)
        # Sobel responses reach 8 for an edge from -1 to 1: divide so they weigh like pixels.
        features.append(tf.image.sobel_edges(images) / 8.0)
    return features


def vgg_features(weights="imagenet"):
    """A function from images in [-1, 1] to unit-length VGG16 features at three depths (LPIPS-style).

    Raises a one-sentence `ValueError` when the ImageNet weights cannot be had.
    """
    import keras
    import tensorflow as tf

    try:
        vgg = keras.applications.VGG16(include_top=False, weights=weights)
    except Exception as error:  # Keras raises a bare Exception when the download fails
        raise ValueError(
            "--perceptual vgg needs the ImageNet VGG16 weights, which Keras could not download "
            "(no internet?): use --perceptual multiscale, which needs no download."
        ) from error
    names = ("block1_conv2", "block2_conv2", "block3_conv3")
    extractor = keras.Model(vgg.input, [vgg.get_layer(name).output for name in names])

    def features(images):
        images = tf.convert_to_tensor(images, dtype="float32")
        if images.shape[-1] == 1:
            images = tf.image.grayscale_to_rgb(images)
        # VGG's pooling needs room: small images (28x28 digits) are enlarged to 64x64 first.
        if images.shape[1] < 64:
            images = tf.image.resize(images, (64, 64), method="bilinear")
        # VGG was trained on 224x224 photos: large images (a 1024x1024 face) are averaged
        # down to 256x256, as NVIDIA's StyleGAN2 projector does, which also saves memory.
        if images.shape[1] > 256:
            images = tf.image.resize(images, (256, 256), method="area")
        pixels = keras.applications.vgg16.preprocess_input((images + 1.0) * 127.5)
        outputs = extractor(pixels)
        # LPIPS compares directions, not sizes: each feature vector is scaled to unit length.
        return [
            output / (tf.norm(output, axis=-1, keepdims=True) + 1e-10) for output in outputs
        ]

    return features


def feature_function(perceptual):
    """The feature extractor for `perceptual` ("multiscale", also "edges", "vgg" or "none")."""
    if perceptual in ("multiscale", "edges"):
        return multiscale_features
    if perceptual == "vgg":
        return vgg_features()
    if perceptual == "none":
        return lambda images: []
    raise ValueError(f"perceptual must be one of {', '.join(PERCEPTUAL_CHOICES)}; got {perceptual!r}.")


def image_distance(target, perceptual="multiscale", perceptual_weight=1.0):
    """The distance to `target` that projection minimises, as a function of a batch of images.

    Args:
        target: (H, W, C) in [-1, 1].
        perceptual: the feature distance added to the pixel distance (see the module docstring).
        perceptual_weight: how much the feature distance counts against the pixels.

    Returns:
        A function from generated images (batch, H, W, C) to one distance per image:
        mean squared pixel error plus `perceptual_weight` times the mean squared feature error.
    """
    import tensorflow as tf

    features = feature_function(perceptual)
    # Computed once, for a batch of one: it broadcasts against any number of images.
    targets = tf.constant(np.asarray(target, dtype="float32")[np.newaxis])
    target_features = features(targets)

    def distance(generated):
        pixel = tf.reduce_mean(tf.square(generated - targets), axis=[1, 2, 3])
        feature = tf.zeros_like(pixel)
        for ours, theirs in zip(features(generated), target_features):
            axes = list(range(1, len(ours.shape)))
            feature += tf.reduce_mean(tf.square(ours - theirs), axis=axes)
        return pixel + perceptual_weight * feature

    return distance


def pixel_error(image, target):
    """Mean squared pixel error of an image against the target (0-1 scale), and the PSNR in dB."""
    # Images in [-1, 1] span 2, so squared errors on the 0-1 scale are 4 times smaller.
    mse = float(np.mean(np.square(np.asarray(image) - np.asarray(target))) / 4.0)
    return mse, peak_signal_to_noise(mse)


def check_target(generator, image, label):
    """The target as float32 and whether the generator is conditional, or a one-sentence error.

    The target must have the generator's image shape, and `label` must be given exactly
    when the generator is conditional.
    """
    from kerasgan.snapshots import sampling

    image_shape = tuple(int(value) for value in generator.outputs[0].shape[1:])
    target = np.asarray(image, dtype="float32")
    if target.shape != image_shape:
        raise ValueError(
            f"The target is {target.shape} but the generator draws {image_shape}: "
            "read it with load_target, which crops and resizes it."
        )
    conditional = sampling.is_conditional(generator)
    if conditional and label is None:
        raise ValueError("This is a conditional generator: pass the class to search in (label=).")
    if not conditional and label is not None:
        raise ValueError("This generator draws no classes: leave label out.")
    return target, conditional


def project(
    generator,
    image,
    steps=300,
    starts=4,
    label=None,
    perceptual="multiscale",
    perceptual_weight=1.0,
    learning_rate=0.1,
    latent_noise=0.05,
    prior_weight=1e-3,
    frame_every=5,
    seed=0,
):
    """Finds the latent vector whose image is closest to `image`.

    Args:
        generator: a generator `keras.Model` (see `kerasgan.snapshots.sampling.is_generator`).
        image: the target, float (H, W, C) in [-1, 1] with the generator's image shape
            (`load_target` reads and fits a file).
        steps: Adam steps.
        starts: random latent vectors searched side by side; the closest one wins.
        label: the class (an integer) for a conditional generator, None otherwise.
        perceptual: the feature distance added to the pixel distance: "multiscale",
            "vgg" or "none" (see the module docstring).
        perceptual_weight: how much the feature distance counts against the pixels.
        learning_rate: Adam's starting learning rate; it decays to zero by the last step.
        latent_noise: standard deviation of the noise added to z at the first step,
            fading to zero by three quarters of the way; 0 turns it off.
        prior_weight: weight of the term that keeps z at the typical Gaussian length.
        frame_every: record the search's image every this many steps.
        seed: the random starts and the noise.

    Returns:
        A `Projection` (latent, image, history, frames, errors).
    """
    import keras
    import tensorflow as tf

    from kerasgan.snapshots import sampling

    if not sampling.is_generator(generator):
        raise ValueError(
            f"{getattr(generator, 'name', generator)} is not a generator: projection needs a model "
            "from latent vectors to images."
        )
    if steps < 1 or starts < 1 or frame_every < 1:
        raise ValueError("steps, starts and frame_every must each be at least 1.")
    target, conditional = check_target(generator, image, label)
    distance_per_start = image_distance(target, perceptual, perceptual_weight)
    labels = tf.fill([starts], int(label)) if conditional else None
    latent_dim = sampling.generator_latent_dim(generator)
    latents = tf.Variable(sampling.latent_batch(starts, latent_dim, seed=seed))
    optimizer = keras.optimizers.Adam(
        keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    )

    def generate(z):
        # training=False: batch norm uses its learned statistics, as when sampling.
        return generator([z, labels] if conditional else z, training=False)

    @tf.function
    def search_step(noise):
        with tf.GradientTape() as tape:
            generated = generate(latents + noise)
            distance = distance_per_start(generated)
            # mean(z^2) is 1 for a typical Gaussian vector; penalise straying from that length.
            prior = tf.square(tf.reduce_mean(tf.square(latents), axis=1) - 1.0)
            losses = distance + prior_weight * prior
            # Each start's loss depends on its own z only, so one sum optimises all of them.
            total = tf.reduce_sum(losses)
        optimizer.apply(tape.gradient(total, [latents]), [latents])
        return losses, generated

    random = np.random.default_rng(seed + 1)
    history, frames, frame_steps = [], [], []
    for step in range(steps):
        fade = max(0.0, 1.0 - step / (0.75 * steps)) ** 2
        noise = (latent_noise * fade * random.standard_normal((starts, latent_dim))).astype(
            "float32"
        )
        losses, generated = search_step(tf.constant(noise))
        history.append(losses.numpy())
        if step % frame_every == 0:
            frames.append(generated.numpy())
            frame_steps.append(step)

    # The winner is judged without noise, on the distance alone.
    final_images = generate(latents)
    best = int(np.argmin(distance_per_start(final_images).numpy()))
    best_image = final_images.numpy()[best]
    frames.append(final_images.numpy())
    frame_steps.append(steps)
    pixel_mse, psnr = pixel_error(best_image, target)
    return Projection(
        latent=latents.numpy()[best],
        image=best_image,
        history=[float(losses[best]) for losses in history],
        frames=np.stack([frame[best] for frame in frames]),
        frame_steps=frame_steps,
        pixel_mse=pixel_mse,
        psnr=psnr,
        start=best,
    )


def peak_signal_to_noise(mse):
    """PSNR in dB of a mean squared error measured on the 0-1 scale."""
    return float("inf") if mse <= 0 else -10.0 * math.log10(mse)


# The command's work: kerasgan project for a z -> image family, and the files it writes.

VIEW_SIZE = 192  # small images are enlarged for viewing (nearest neighbour) to at least this


def project_command(args, generator, out):
    """`kerasgan project` for a z -> image generator (DCGAN, conditional GAN): writes `out`.

    The folder holds target.png, result.png, comparison.png, latent.npy, the search's
    animation (search.gif or .mp4) and projection.json (see the command's docstring).
    """
    from kerasgan import files

    label, target, note = command_target(args, generator)
    steps, starts = args.steps or 300, args.starts or 4

    print(
        f"Searching {steps} steps from {starts} random starts "
        f"({args.perceptual} features)..."
    )
    result = project(
        generator,
        target,
        steps=steps,
        starts=starts,
        label=label,
        perceptual=args.perceptual,
        perceptual_weight=args.perceptual_weight,
        learning_rate=args.learning_rate,
        latent_noise=args.noise,
        frame_every=args.frame_every,
        seed=args.seed,
    )

    animation = out / f"search.{args.animation}"
    save_pictures(out, "result.png", animation, target, result.image, result.frames, args.fps)
    save_array(out / "latent.npy", result.latent)
    files.write_json(
        out / "projection.json",
        {
            "snapshot": str(args.snapshot),
            "image": str(args.image),
            "note": note,
            "class": label,
            "steps": steps,
            "starts": starts,
            "best_start": result.start,
            "perceptual": args.perceptual,
            "perceptual_weight": args.perceptual_weight,
            "learning_rate": args.learning_rate,
            "noise": args.noise,
            "seed": args.seed,
            "pixel_mse": result.pixel_mse,
            "psnr_db": result.psnr,
            "loss_history": result.history,
        },
    )
    print(
        f"Closest image: pixel MSE {result.pixel_mse:.5f} (0-1 scale), PSNR {result.psnr:.1f} dB. "
        f"Wrote target.png, result.png, comparison.png, latent.npy, {animation.name} and "
        f"projection.json to {out}"
    )
    return 0


def command_target(args, generator, require_color=False):
    """(label, target, note) of `kerasgan project`: its --class and its --image, fitted to the
    generator's size (the note, printed, says how, if it had to be changed)."""
    label = class_label(args, generator)
    image_shape = tuple(int(value) for value in generator.outputs[0].shape[1:])
    target, note = load_target(args.image, image_shape, require_color=require_color)
    if note:
        print(note)
    return label, target, note


def class_label(args, generator):
    """The class to search in (`--class`): required for a conditional generator, refused otherwise."""
    from kerasgan.snapshots import sampling

    if not sampling.is_conditional(generator):
        if args.class_choice is not None:
            raise ValueError(f"{args.snapshot} draws no classes: drop --class.")
        return None
    class_names = sampling.generator_class_names(generator)
    if args.class_choice is None:
        raise ValueError(
            f"{args.snapshot} is a conditional generator: add --class with one of "
            f"{', '.join(class_names)}."
        )
    return sampling.class_index(args.class_choice, class_names)


def save_pictures(out, result_name, animation, target, result, frames, fps):
    """target.png, the result, comparison.png and the animation of the search, enlarged if small."""
    import numpy as np

    from kerasgan import images

    images.save_image(out / "target.png", target)
    images.save_image(out / result_name, result)
    # The difference image: black where they agree, white where they differ most.
    difference = np.abs(result - target) - 1.0
    factor = enlargement(target.shape[0])
    images.save_grid(
        out / "comparison.png", enlarge(np.stack([target, result, difference]), factor),
        columns=3, padding=4, background=255,
    )
    # Each frame shows the target beside the search's current image.
    pairs = np.stack([images.make_grid(np.stack([target, frame]), columns=2) for frame in frames])
    images.save_animation(animation, enlarge(pairs, factor), fps=fps)


def save_array(path, array):
    """A .npy file, written atomically."""
    import io

    import numpy as np

    from kerasgan import files

    buffer = io.BytesIO()
    np.save(buffer, array)
    files.write_bytes(path, buffer.getvalue())


def enlargement(size):
    return max(1, -(-VIEW_SIZE // size))  # ceiling division


def enlarge(batch, factor):
    """Repeats every pixel `factor` times in each direction: a 28x28 digit becomes visible."""
    import numpy as np

    return np.repeat(np.repeat(batch, factor, axis=1), factor, axis=2)
