"""Fetching BigGAN modules from TF Hub, and caching them so they load offline afterwards.

tensorflow-hub downloads a module once into its cache (`$TFHUB_CACHE_DIR`, or
`<system temp>/tfhub_modules`) and loads it from there afterwards. This module
adds what a student in Colab needs around that: preset names for the six
DeepMind generators, a timeout on a download that would otherwise wait forever,
a lock left by a killed download reported at once instead of after ten minutes,
and one sentence saying how to get the model when the network cannot be reached.

Example:

```python
from kerasgan.hub import tfhub

module = tfhub.load_module("biggan-deep-256")  # downloaded once, then from the cache
print(tfhub.cached_module_folder(tfhub.PRESETS["biggan-deep-256"]))
```
"""

import contextlib
import hashlib
import os
import socket
import tempfile
import urllib.error

from kerasgan.errors import KerasganError

# The six DeepMind generators. tfhub.dev handles now redirect to the same models on Kaggle.
PRESETS = {
    "biggan-deep-128": "https://tfhub.dev/deepmind/biggan-deep-128/1",
    "biggan-deep-256": "https://tfhub.dev/deepmind/biggan-deep-256/1",
    "biggan-deep-512": "https://tfhub.dev/deepmind/biggan-deep-512/1",
    "biggan-128": "https://tfhub.dev/deepmind/biggan-128/2",
    "biggan-256": "https://tfhub.dev/deepmind/biggan-256/2",
    "biggan-512": "https://tfhub.dev/deepmind/biggan-512/2",
}

# tensorflow-hub opens its download without a timeout: on a network that drops packets
# the first `hub.load` would wait forever. A socket that stays silent this long fails instead.
DOWNLOAD_TIMEOUT_SECONDS = 60


def cached_module_folder(handle):
    """The folder where tensorflow-hub caches (or would cache) the module at `handle`.

    tensorflow-hub keeps each downloaded module in `$TFHUB_CACHE_DIR/<sha1 of the handle>`,
    and in `<system temp>/tfhub_modules/` when TFHUB_CACHE_DIR is not set.
    """
    try:
        from tensorflow_hub import resolver

        cache = resolver.tfhub_cache_dir(use_temp=True)
    except ImportError:
        cache = os.environ.get("TFHUB_CACHE_DIR") or os.path.join(
            tempfile.gettempdir(), "tfhub_modules"
        )
    return os.path.join(cache, hashlib.sha1(handle.encode("utf8")).hexdigest())


def load_module(model, handle=None):
    """Loads a BigGAN module with `hub.load`: from a local folder, the TF Hub cache, or the web.

    Downloading and loading are two steps, so that a failed download becomes one
    sentence saying how to get the model, and loading always reads a local folder.
    """
    hub = _import_tensorflow_hub()
    handle = handle or model_handle(str(model))
    if os.path.isdir(handle):
        folder = handle
    else:
        folder = _download(hub, model, handle)
    if not any(
        os.path.exists(os.path.join(folder, name))
        for name in ("saved_model.pb", "saved_model.pbtxt")
    ):
        raise ValueError(
            f"{folder} is not a TF Hub module or SavedModel folder (it has no saved_model.pb); "
            "pass the folder that holds saved_model.pb and variables/."
        )
    try:
        return hub.load(folder)
    except Exception as error:  # a cut-short download, a file that is not a protobuf
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise ValueError(
            f"The module in {folder} could not be loaded ({type(error).__name__}: {first_line}): "
            "its saved_model.pb or variables/ are damaged or incomplete; download it again "
            "(delete that folder first) or pass another --model."
        ) from error


def model_handle(model):
    """A preset name becomes its tfhub.dev handle; a folder or handle URL stays as it is."""
    if model in PRESETS:
        return PRESETS[model]
    if model.startswith(("https://", "http://", "gs://")):
        return model
    if os.path.isdir(os.path.expanduser(model)):
        return os.path.expanduser(model)
    if os.path.isfile(model) and model.endswith((".tar.gz", ".tgz", ".tar")):
        raise ValueError(
            f"{model} is an archive: unpack it into a folder first (mkdir biggan && "
            f"tar -xzf {model} -C biggan) and pass that folder as the model."
        )
    raise ValueError(
        f"Unknown BigGAN model {model!r}: use one of {', '.join(PRESETS)}, a TF Hub or Kaggle "
        "handle (https://...), or a folder holding a downloaded module."
    )


def _download(hub, model, handle):
    """`hub.resolve` with a timeout, turning network failures into one sentence."""
    cache_folder = cached_module_folder(handle)
    _check_for_interrupted_download(model, cache_folder)
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT_SECONDS):
            return hub.resolve(handle)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise KerasganError(
                f"TF Hub has no module at {handle} (HTTP 404): check the handle, or pass a local "
                "module folder as the model."
            ) from error
        reason = f"HTTP {error.code} {error.reason}"
        raise KerasganError(_not_downloaded(model, handle, cache_folder, reason)) from error
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            reason = f"no answer within {DOWNLOAD_TIMEOUT_SECONDS} s"
        raise KerasganError(_not_downloaded(model, handle, cache_folder, reason)) from error
    except (TimeoutError, ConnectionError) as error:
        reason = (
            f"no answer within {DOWNLOAD_TIMEOUT_SECONDS} s"
            if isinstance(error, TimeoutError)
            else error
        )
        raise KerasganError(_not_downloaded(model, handle, cache_folder, reason)) from error


def _not_downloaded(model, handle, cache_folder, reason):
    """The one sentence a student sees when a model cannot be downloaded."""
    return (
        f"BigGAN model {model!r} must be downloaded once from {handle}, which cannot be reached "
        f"now ({reason}); with internet access it is saved in the TF Hub cache at {cache_folder} "
        "(set TFHUB_CACHE_DIR to choose that folder, such as one on Google Drive) and loads offline "
        "from then on, or point kerasgan at a local copy of the module folder with "
        "BigGAN(model=PATH) or `kerasgan biggan --model PATH`."
    )


def _check_for_interrupted_download(model, cache_folder):
    """Fails at once where tensorflow-hub would wait 10 minutes for another download's lock.

    tensorflow-hub marks a download in progress with a `<folder>.lock` file. A
    killed download (a Colab runtime reset with TFHUB_CACHE_DIR on Google Drive)
    leaves it behind, and the next `hub.load` waits silently for it to go away.
    """
    lock = cache_folder + ".lock"
    already_cached = os.path.isdir(cache_folder) and os.listdir(cache_folder)
    if os.path.exists(lock) and not already_cached:
        raise KerasganError(
            f"A download of BigGAN model {model!r} is running or was interrupted (lock file "
            f"{lock}): if no other download is running, delete that file and any "
            f"{cache_folder}.*.tmp folder, then try again."
        )


@contextlib.contextmanager
def _socket_timeout(seconds):
    """Gives sockets opened inside the block a timeout, unless the user already set one."""
    previous = socket.getdefaulttimeout()
    if previous is None:
        socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _import_tensorflow_hub():
    try:
        import tensorflow_hub
    except ImportError as error:
        raise KerasganError(
            f"BigGAN needs tensorflow-hub, which could not be imported ({error}): "
            "pip install tensorflow-hub 'setuptools<82' (tensorflow-hub needs pkg_resources)."
        ) from error
    return tensorflow_hub
