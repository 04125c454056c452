"""NVIDIA's published StyleGAN2 networks by name, downloaded once, checked, converted and cached.

`kerasgan convert ffhq --out faces/` (or `--snapshot ffhq` in the commands) downloads
`ffhq.pkl` from the address NVIDIA's stylegan2-ada-pytorch README gives, with a progress
bar, into the cache folder ($KERASGAN_CACHE, default ~/.cache/kerasgan, under nvidia/).
The file is then read with the safe reader and checked: it must hold G, D and G_ema,
and G_ema must draw at the resolution (and with the classes) the table says. A file that
fails is deleted and never converted.

The config-f networks of NVlabs/stylegan2 (`ffhq-config-f`, `car`, `cat`, `church`,
`horse`) are TensorFlow pickles, a tuple (G, D, Gs), kept at the same address under
stylegan2/networks/; their check reads Gs's settings the way the conversion reads them
(kerasgan/nvidia/tensorflow_layout.py), and they convert like the others, Gs becoming G_ema.

`converted_generator` is what `--snapshot NETWORK.pkl` (or `--snapshot ffhq`) in
`kerasgan generate`, `project`, `export` and `evaluate` goes through: the pickle's G_ema is
converted once into $KERASGAN_CACHE/nvidia/converted/<the file's SHA-256>/generator.keras
and that copy is used from then on.

Set KERASGAN_NVIDIA_URL to fetch from a mirror (or a local copy served over HTTP) that
keeps NVIDIA's folder layout; the tests do that with a server on 127.0.0.1.
"""

import hashlib
import os
import sys
from pathlib import Path

from kerasgan.errors import KerasganError

NVIDIA_URL = "https://nvlabs-fi-cdn.nvidia.com/"
PRETRAINED = "stylegan2-ada-pytorch/pretrained/"
TRANSFER = PRETRAINED + "transfer-learning-source-nets/"
# NVlabs/stylegan2's config-f networks: TensorFlow pickles (G, D, Gs), not PyTorch ones.
CONFIG_F = "stylegan2/networks/"

# name: (path under NVIDIA's address, resolution, classes, what it draws)
NAMED_NETWORKS = {
    "ffhq": (PRETRAINED + "ffhq.pkl", 1024, 0, "faces (FFHQ), original StyleGAN2 training"),
    "metfaces": (PRETRAINED + "metfaces.pkl", 1024, 0, "faces in art (MetFaces), ADA from FFHQ"),
    "afhqcat": (PRETRAINED + "afhqcat.pkl", 512, 0, "cat faces (AFHQ Cat), ADA"),
    "afhqdog": (PRETRAINED + "afhqdog.pkl", 512, 0, "dog faces (AFHQ Dog), ADA"),
    "afhqwild": (PRETRAINED + "afhqwild.pkl", 512, 0, "wild animal faces (AFHQ Wild), ADA"),
    "brecahad": (PRETRAINED + "brecahad.pkl", 512, 0, "breast cancer histology (BreCaHAD), ADA"),
    "cifar10": (PRETRAINED + "cifar10.pkl", 32, 10, "CIFAR-10, class-conditional"),
    "ffhq256": (TRANSFER + "ffhq-res256-mirror-paper256-noaug.pkl", 256, 0,
                "faces at 256 px, a transfer-learning source"),
    "ffhq512": (TRANSFER + "ffhq-res512-mirror-stylegan2-noaug.pkl", 512, 0,
                "faces at 512 px, a transfer-learning source"),
    "ffhq1024": (TRANSFER + "ffhq-res1024-mirror-stylegan2-noaug.pkl", 1024, 0,
                 "faces at 1024 px, a transfer-learning source"),
    "celebahq256": (TRANSFER + "celebahq-res256-mirror-paper256-kimg100000-ada-target0.5.pkl",
                    256, 0, "celebrity faces (CelebA-HQ) at 256 px, a transfer-learning source"),
    "lsundog256": (TRANSFER + "lsundog-res256-paper256-kimg100000-noaug.pkl", 256, 0,
                   "dogs (LSUN Dog) at 256 px, a transfer-learning source"),
    "ffhq-config-f": (CONFIG_F + "stylegan2-ffhq-config-f.pkl", 1024, 0,
                      "faces (FFHQ), the StyleGAN2 paper's config-f"),
    "car": (CONFIG_F + "stylegan2-car-config-f.pkl", 512, 0,
            "cars (LSUN Car, 512x384 in a 512 px square), config-f"),
    "cat": (CONFIG_F + "stylegan2-cat-config-f.pkl", 256, 0, "cats (LSUN Cat), config-f"),
    "church": (CONFIG_F + "stylegan2-church-config-f.pkl", 256, 0,
               "churches (LSUN Church), config-f"),
    "horse": (CONFIG_F + "stylegan2-horse-config-f.pkl", 256, 0, "horses (LSUN Horse), config-f"),
}


# The network the face commands (`project --align`, `class-photo`) use when given none.
DEFAULT_FACE_NETWORK = "ffhq"


def default_face_network(doing):
    """DEFAULT_FACE_NETWORK, said on stderr: `doing` ("projecting the aligned face") with it."""
    _, resolution, _, _ = NAMED_NETWORKS[DEFAULT_FACE_NETWORK]
    print(
        f"No --snapshot given: {doing} with NVIDIA's FFHQ network (--snapshot "
        f"{DEFAULT_FACE_NETWORK}, {resolution} px, downloaded once, converted and cached); "
        "pass --snapshot to use another.",
        file=sys.stderr,
    )
    return DEFAULT_FACE_NETWORK


def cache_folder():
    """Where downloads and conversions are kept: $KERASGAN_CACHE/nvidia."""
    return Path(os.environ.get("KERASGAN_CACHE", "~/.cache/kerasgan")).expanduser() / "nvidia"


def network_url(name):
    path = NAMED_NETWORKS[name][0]
    return os.environ.get("KERASGAN_NVIDIA_URL", NVIDIA_URL).rstrip("/") + "/" + path


def is_tensorflow_network(name):
    """True for a named network published as a TensorFlow pickle (G, D, Gs)."""
    return NAMED_NETWORKS[name][0].startswith(CONFIG_F)


def network_layout(name):
    """The layout a named network's pickle has, as `kerasgan convert --list` says it."""
    return "TensorFlow" if is_tensorflow_network(name) else "PyTorch"


def describe_named_networks():
    """The lines `kerasgan convert --list` prints."""
    width = max(len(name) for name in NAMED_NETWORKS)
    lines = []
    for name, (_, resolution, classes, what) in NAMED_NETWORKS.items():
        conditional = f", {classes} classes" if classes else ""
        lines.append(f"{name:<{width}}  {resolution:>4} px{conditional:<12}  "
                     f"{network_layout(name):<10}  {what}")
    return lines


def download_named_network(name, progress=True, option="--snapshot"):
    """The local path of a named network's pickle, downloaded (once) and checked.

    `option` is how the command at hand takes a file (`--snapshot`, `--resume-from`), so
    that the offline sentence shows the user what to type instead.

    Raises:
        KerasganError: the name is unknown, or the download failed (one sentence naming
            the address and how to pass a file downloaded by other means).
    """
    if name not in NAMED_NETWORKS:
        raise KerasganError(
            f"There is no NVIDIA network named {name!r}: choose one of "
            f"{', '.join(NAMED_NETWORKS)} (`kerasgan convert --list`), or pass a .pkl file."
        )
    import keras

    url = network_url(name)
    folder = cache_folder() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    file_name = url.rsplit("/", 1)[-1]
    path = folder / file_name
    if not path.exists():
        try:
            # keras.utils.get_file shows a progress bar and deletes a partial file on failure.
            keras.utils.get_file(file_name, url, cache_dir=str(folder), cache_subdir=".",
                                 extract=False)
        except Exception as error:  # URLError, HTTPError, timeouts: all "could not download"
            raise KerasganError(
                f"Could not download NVIDIA's {name} network from {url} ({_reason(error)}): "
                f"download it by other means and pass the file instead, e.g. "
                f"`{option} {file_name}`."
            ) from None
    check_named_network(name, path)
    return path


def _reason(error):
    reason = str(getattr(error, "reason", None) or error)
    return reason.split("\n")[0][:160]


def _drawn_size(networks, tensorflow):
    """(resolution, classes) of the sampled generator, or None when the layout is not the one
    expected: G, D, G_ema (PyTorch) or the tuple (G, D, Gs) (TensorFlow)."""
    from kerasgan.nvidia.pickles import is_tensorflow_snapshot
    from kerasgan.nvidia.tensorflow_layout import generator_kwargs

    if tensorflow:
        if not is_tensorflow_snapshot(networks):
            return None
        # Read as the conversion reads it: a setting left out means NVIDIA's default.
        kwargs = generator_kwargs(networks[2].settings)
        return kwargs["img_resolution"], kwargs["c_dim"]
    if not isinstance(networks, dict) or not {"G", "D", "G_ema"} <= set(networks):
        return None
    g_ema = networks["G_ema"]
    return g_ema.setting("img_resolution"), g_ema.setting("c_dim") or 0


def check_named_network(name, path):
    """The downloaded file has the layout the table says (G, D, G_ema of a PyTorch pickle, or
    (G, D, Gs) of a TensorFlow one) and draws what the table says; else it is deleted."""
    from kerasgan.nvidia.pickles import read_network_pickle

    _, resolution, classes, _ = NAMED_NETWORKS[name]
    tensorflow = is_tensorflow_network(name)
    try:
        networks = read_network_pickle(path)
        problem = None
        found = _drawn_size(networks, tensorflow)
        if found is None:
            problem = ("it does not hold the tuple (G, D, Gs) of a TensorFlow pickle"
                       if tensorflow else "it does not hold the networks G, D and G_ema")
        elif found != (resolution, classes):
            problem = (f"it draws {found[0]} px with {found[1]} classes, not {resolution} px "
                       f"with {classes}")
    except KerasganError as error:
        problem = str(error)
    if problem:
        Path(path).unlink(missing_ok=True)
        raise KerasganError(
            f"The file downloaded as NVIDIA's {name} network failed its check ({problem}); it "
            f"was deleted: try again, or download {network_url(name)} by other means and pass it."
        )


def file_key(path):
    """A short key for a pickle's contents (its SHA-256), naming its cached conversion."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def is_network_source(text):
    """True for what names an NVIDIA network: a .pkl path, or a name of the table."""
    text = str(text)
    return text.endswith(".pkl") or (text in NAMED_NETWORKS and not Path(text).exists())


def resolve_network(text, option="--snapshot"):
    """The local pickle a network argument names: a file, or a named network (downloaded)."""
    path = Path(str(text)).expanduser()
    if path.is_file():
        return path
    if str(text) in NAMED_NETWORKS:
        return download_named_network(str(text), option=option)
    raise FileNotFoundError(
        f"There is no file {path} and no NVIDIA network named {str(text)!r}: pass a .pkl file "
        f"or one of {', '.join(NAMED_NETWORKS)} (`kerasgan convert --list`)."
    )


def converted_generator(source):
    """The cached kerasgan G_ema of an NVIDIA pickle or named network, converted on first use.

    Says on stderr what it did (converted now, or used the cached copy).

    Returns:
        The path of the converted `generator.keras`.
    """
    from kerasgan import files
    from kerasgan.nvidia.convert import convert_generator, require_snapshot
    from kerasgan.nvidia.pickles import read_network_pickle

    path = resolve_network(source)
    target = cache_folder() / "converted" / file_key(path) / "generator.keras"
    if target.exists():
        print(f"Using the conversion of {path} cached at {target}.", file=sys.stderr)
        return target
    networks = require_snapshot(read_network_pickle(path))
    generator = convert_generator(networks["G_ema"])
    with files.atomic_path(target) as temporary:
        generator.save(temporary)
    print(f"Converted NVIDIA's network {path} once into {target}; later runs use that copy.",
          file=sys.stderr)
    return target
