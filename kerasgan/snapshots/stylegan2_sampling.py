"""Sampling a StyleGAN2 snapshot in W: truncation, noise modes, projected ws, style mixing, walks.

A StyleGAN2 generator is two networks (kerasgan/models/stylegan2_networks.py): the
mapping turns z (and a label) into w, repeated once per synthesis layer as ws
(batch, num_ws, w_dim); the synthesis draws an image from ws. Everything here works
on ws, so the same few functions serve every way of choosing them:

- seeds and latent files give z, and `map_to_ws` maps them, with truncation:
  w = w_avg + psi * (w - w_avg) on the first `truncation_cutoff` ws (all by default).
  psi 0 draws the average image for every z, psi 1 the untruncated one.
- `kerasgan project` writes a projected w (`projected_w.npy`), read by `load_projected_ws`
  and drawn as it is (truncation would pull it away from the photo it was fitted to).
- `style_mixing_grid` puts the ws of two sets of sources together layer by layer.
- `walk_in_w` walks between keyframe ws: in W, where StyleGAN2 is smooth, rather than z.

`synthesize(generator, ws, noise_mode)` draws the images: "const" (the default of
kerasgan's snapshots: a z always gives the same image), "random" (fresh per-pixel
noise at every call) or "none".

Example:

```python
import numpy as np
from kerasgan.snapshots import sampling, stylegan2_sampling as sg2

generator = sampling.load_snapshot("results/00004-stylegan2-faces/generator-000200.keras")
ws = sg2.ws_for_seeds(generator, [85, 100, 75], truncation_psi=0.7)   # (3, num_ws, w_dim)
images = sg2.synthesize(generator, ws, noise_mode="const")          # (3, H, W, C) in [-1, 1]
grid = sg2.style_mixing_grid(generator, ws, sg2.ws_for_seeds(generator, [55, 821]), range(7))
grid.image        # uint8 picture, as `kerasgan generate --style-mix` writes it
grid.cell_ws      # (3, 2, num_ws, w_dim): the ws of every cell
me = sg2.load_projected_ws("projections/me/projected_w.npy", generator)
frames = sg2.synthesize(generator, sg2.walk_in_w(np.concatenate([ws, me]), 24))
```
"""

from dataclasses import dataclass

import numpy as np

from kerasgan.snapshots import sampling

DEFAULT_STYLES = "0-6"  # as NVIDIA's style_mixing.py: the coarse styles (4 to 32 px at 1024 px)


def is_stylegan2(model):
    """True for a StyleGAN2 generator: z (and a label) through a mapping and a synthesis network."""
    from kerasgan import snapshots

    return snapshots.family_name(model) == "stylegan2"


def num_ws(generator):
    """How many ws the synthesis network takes (8 at 32 px, 14 at 256 px, 18 at 1024 px)."""
    return int(generator.get_layer("synthesis").num_ws)


def w_dim(generator):
    return int(generator.get_layer("synthesis").w_dim)


def w_average(generator):
    """The mapping's tracked average w, (w_dim,): where truncation pulls every w."""
    return np.asarray(generator.get_layer("mapping").w_avg, dtype="float32")


def check_truncation(truncation_psi=None, truncation_cutoff=None, layers=None):
    """One sentence for a psi outside [0, 1] or a cutoff outside 1 to `layers` (the num_ws)."""
    if truncation_psi is not None and not 0.0 <= float(truncation_psi) <= 1.0:
        raise ValueError(
            f"The truncation psi must be between 0 (the average image) and 1 (no truncation); "
            f"got {truncation_psi}: choose e.g. 0.7."
        )
    if truncation_cutoff is not None and layers is not None:
        if not 1 <= int(truncation_cutoff) <= layers:
            raise ValueError(
                f"The truncation cutoff counts ws from the first: this generator has {layers} ws, "
                f"so it must be between 1 and {layers}; got {truncation_cutoff}."
            )


def map_to_ws(generator, latents, labels=None, truncation_psi=None, truncation_cutoff=None):
    """The ws (n, num_ws, w_dim) of latent vectors z (n, latent_dim), truncated toward w_avg.

    Args:
        generator: a StyleGAN2 generator (from `stylegan2_generator` or a snapshot).
        latents: (n, latent_dim) z.
        labels: (n,) class labels for a conditional generator, else None.
        truncation_psi: 0 to 1; None: the generator's own (1, no truncation, unless it was
            built with another).
        truncation_cutoff: truncate only the first this many ws (None: all, or the generator's own).
    """
    layers = num_ws(generator)
    check_truncation(truncation_psi, truncation_cutoff, layers)
    latents = np.asarray(latents, dtype="float32")
    inputs = latents if labels is None else [latents, np.asarray(labels, dtype="int32")]
    ws = generator.get_layer("mapping")(
        inputs, truncation_psi=truncation_psi, truncation_cutoff=truncation_cutoff
    )
    return np.asarray(ws, dtype="float32")


def latents_for_seeds(seeds, latent_dim):
    """z (len(seeds), latent_dim) for seeds as NVIDIA's generate.py draws it for a StyleGAN2:
    `np.random.RandomState(seed).randn(1, z_dim)` per seed.

    So a seed means the same picture in kerasgan as in NVIDIA's tools (`--seeds 85,265` on
    the FFHQ network: the faces of NVIDIA's README). The other families keep kerasgan's
    rule (`sampling.latents_for_seeds`).
    """
    return np.concatenate(
        [np.random.RandomState(int(seed)).randn(1, int(latent_dim)) for seed in seeds]
    ).astype("float32")


def ws_for_seeds(generator, seeds, labels=None, truncation_psi=None, truncation_cutoff=None):
    """The ws of seeds: each seed's z (as `kerasgan generate --seeds` draws it), mapped and truncated."""
    latent_dim = sampling.generator_latent_dim(generator)
    latents = latents_for_seeds(seeds, latent_dim)
    if labels is not None and np.ndim(labels) == 0:
        labels = np.full(len(latents), int(labels), dtype="int32")
    return map_to_ws(generator, latents, labels, truncation_psi, truncation_cutoff)


def synthesize(generator, ws, noise_mode=None, batch_size=16):
    """Images (n, H, W, C) in about [-1, 1] from ws (n, num_ws, w_dim), drawn `batch_size` at a time.

    noise_mode: "const", "random" or "none"; None: the generator's own ("const" for kerasgan's).
    """
    from kerasgan.models.stylegan2_networks import check_noise_mode

    if noise_mode is not None:
        check_noise_mode(noise_mode)
    ws = np.asarray(ws, dtype="float32")
    synthesis = generator.get_layer("synthesis")
    parts = [
        np.asarray(synthesis(ws[start : start + batch_size], noise_mode=noise_mode))
        for start in range(0, len(ws), batch_size)
    ]
    return np.concatenate(parts).astype("float32")


# Mapping networks give ws within a few units of 0; a projection drifts further, but a w
# beyond this was not made by one (a file of 1e30s drew a black image without a word).
LARGEST_PROJECTED_W = 1000.0


def load_projected_ws(path, generator):
    """The ws saved by a projector, as (n, num_ws, w_dim), checked against this generator.

    A file holds one w for every layer (w_dim,) (a projection in W), one w per layer
    (num_ws, w_dim) (in W+), or several of those (n, num_ws, w_dim), as NVIDIA's
    projector saves them.
    """
    layers, width = num_ws(generator), w_dim(generator)
    ws = sampling.read_npy(path, "projected w")
    if ws.ndim == 1 and ws.shape == (width,):
        ws = np.broadcast_to(ws, (1, layers, width))
    elif ws.ndim == 2 and ws.shape == (layers, width):
        ws = ws[np.newaxis]
    elif not (ws.ndim == 3 and ws.shape[1:] == (layers, width) and len(ws)):
        raise ValueError(
            f"{path} holds an array shaped {ws.shape}, but this generator takes ws shaped "
            f"({layers}, {width}) (num_ws, w_dim): save a ({width},), ({layers}, {width}) or "
            f"(n, {layers}, {width}) array, as kerasgan project writes for this snapshot."
        )
    if not np.all(np.isfinite(ws)):
        raise ValueError(f"{path} holds NaN or infinite values: project the image again.")
    largest = float(np.max(np.abs(ws)))
    if largest > LARGEST_PROJECTED_W:
        # A w this far out saturates every layer: the image is black or one flat colour.
        raise ValueError(
            f"{path} holds a w value of {largest:.3g}, far outside what a mapping network "
            f"gives (within about +-{LARGEST_PROJECTED_W:g}): it is not a projected w; "
            "project the image again with kerasgan project."
        )
    return np.array(ws, dtype="float32")


def parse_styles(text, layers):
    """'0-6' -> [0, ..., 6]: style (w) indices, checked against the generator's `layers` ws."""
    return check_styles(sampling.parse_seeds(text, what="styles"), layers)


def check_styles(styles, layers):
    """Sorted, distinct w indices, or one sentence naming those outside 0 to `layers` - 1."""
    styles = [int(style) for style in styles]
    outside = sorted({style for style in styles if not 0 <= style < layers})
    if outside or not styles:
        named = ", ".join(map(str, outside)) or "none"
        raise ValueError(
            f"--styles names ws {named}, but this generator has {layers} ws, numbered 0 to "
            f"{layers - 1}: choose styles in that range, e.g. 0-{min(6, layers - 1)}."
        )
    return sorted(set(styles))


@dataclass
class StyleMixingGrid:
    """A style mixing grid and what it is made of.

    Attributes:
        image: uint8 (H', W', 3): a blank top-left tile, the column sources along the top,
            the row sources down the left, and cell (r, c) at tile (r + 1, c + 1).
        cell_ws: (rows, columns, num_ws, w_dim): the ws each cell was drawn from.
        cell_images, row_images, column_images: the float images in [-1, 1].
        row_styles: the ws taken from the row sources.
    """

    image: np.ndarray
    cell_ws: np.ndarray
    cell_images: np.ndarray
    row_images: np.ndarray
    column_images: np.ndarray
    row_styles: list


def mix_styles(row_ws, column_ws, row_styles):
    """Every (row, column) pair's ws: the layers in `row_styles` from the row, the rest from the column.

    Args:
        row_ws: (rows, num_ws, w_dim); column_ws: (columns, num_ws, w_dim).
        row_styles: w indices (e.g. 0 to 6, the coarse styles: pose, face shape).

    Returns:
        (rows, columns, num_ws, w_dim).
    """
    row_ws, column_ws = np.asarray(row_ws, "float32"), np.asarray(column_ws, "float32")
    from_row = np.zeros(row_ws.shape[1], dtype=bool)
    from_row[list(row_styles)] = True
    return np.where(
        from_row[np.newaxis, np.newaxis, :, np.newaxis],
        row_ws[:, np.newaxis],
        column_ws[np.newaxis, :],
    )


def style_mixing_grid(generator, row_ws, column_ws, row_styles, noise_mode=None):
    """A style mixing grid as in the StyleGAN paper's figure 3 (https://arxiv.org/abs/1812.04948).

    Cell (r, c) takes the ws listed in `row_styles` from row source r and every other
    w from column source c. With the coarse styles 0-6 it keeps the row's pose and
    shape and the column's colours and fine detail. (NVIDIA's style_mixing.py takes its
    `--styles` from the column instead: its grid is this one with rows and columns swapped.)

    Args:
        generator: a StyleGAN2 generator.
        row_ws: (rows, num_ws, w_dim) ws of the sources down the left (e.g. `ws_for_seeds`).
        column_ws: (columns, num_ws, w_dim) ws of the sources along the top.
        row_styles: the w indices each cell takes from its row.
        noise_mode: as for `synthesize`.

    Returns:
        A `StyleMixingGrid`.
    """
    from kerasgan import images

    row_ws, column_ws = np.asarray(row_ws, "float32"), np.asarray(column_ws, "float32")
    row_styles = check_styles(row_styles, num_ws(generator))
    cell_ws = mix_styles(row_ws, column_ws, row_styles)
    rows, columns = cell_ws.shape[:2]
    drawn = synthesize(
        generator,
        np.concatenate([row_ws, column_ws, cell_ws.reshape((-1,) + cell_ws.shape[2:])]),
        noise_mode,
    )
    row_images, column_images = drawn[:rows], drawn[rows : rows + columns]
    cell_images = drawn[rows + columns :].reshape((rows, columns) + drawn.shape[1:])
    blank = np.full((1,) + drawn.shape[1:], -1.0, "float32")  # black, as NVIDIA's canvas
    tiles = [blank, column_images]
    for row in range(rows):
        tiles += [row_images[row : row + 1], cell_images[row]]
    picture = images.make_grid(np.concatenate(tiles), columns=columns + 1)
    return StyleMixingGrid(picture, cell_ws, cell_images, row_images, column_images, row_styles)


def walk_in_w(keyframe_ws, steps_between, method="lerp", loop=True):
    """ws (frames, num_ws, w_dim) moving through keyframe ws (K, num_ws, w_dim); see `sampling.walk`.

    Straight lines (lerp) are the natural path in W, which is learned rather than
    Gaussian; slerp is offered for comparison. Frame counts are those of `sampling.walk`.
    """
    keyframe_ws = np.asarray(keyframe_ws, "float32")
    flat = sampling.walk(keyframe_ws.reshape(len(keyframe_ws), -1), steps_between, method, loop)
    return flat.reshape((len(flat),) + keyframe_ws.shape[1:])



def class_morph_in_w(generator, start_class, end_class, latents, steps_between,
                     truncation_psi=None, truncation_cutoff=None, noise_mode=None):
    """Images that morph one class into another and back at fixed z, for a conditional StyleGAN2.

    Each z is mapped once with each label; the walk goes straight (lerp) between the two ws
    and loops, as `sampling.class_morph` does for a conditional GAN's label embedding.

    Returns:
        float32 images (2 * steps_between, K, H, W, C): frame by frame, the K images of `latents`.
    """
    latents = np.asarray(latents, "float32")
    count = len(latents)
    ends = [
        map_to_ws(generator, latents, np.full(count, label, "int32"), truncation_psi,
                  truncation_cutoff)
        for label in (start_class, end_class)
    ]
    paths = np.stack([walk_in_w(np.stack([ends[0][k], ends[1][k]]), steps_between)
                      for k in range(count)], axis=1)  # (frames, K, num_ws, w_dim)
    drawn = synthesize(generator, paths.reshape((-1,) + paths.shape[2:]), noise_mode)
    return drawn.reshape(paths.shape[:2] + drawn.shape[1:])


__all__ = [
    "is_stylegan2",
    "num_ws",
    "w_dim",
    "w_average",
    "check_truncation",
    "map_to_ws",
    "latents_for_seeds",
    "ws_for_seeds",
    "synthesize",
    "load_projected_ws",
    "parse_styles",
    "check_styles",
    "mix_styles",
    "StyleMixingGrid",
    "style_mixing_grid",
    "walk_in_w",
    "class_morph_in_w",
]
