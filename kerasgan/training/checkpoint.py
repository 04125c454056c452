"""A full training checkpoint in one file, so a run resumes exactly where it stopped.

Saving the generator's weights is not enough to resume a GAN: the optimizers'
moment estimates and step counts, the discriminator, the random number
generator's state and the fixed latent vectors of the sample grids all matter.
StyleGAN2-ADA and the TensorFlow tutorials restart those, so the loss curves
jump after a resume. Here every variable the model and its two optimizers own
goes into one `.npz` file, written atomically, plus a little JSON about where
training stood.

A file can still be damaged after it was written whole: a Colab disconnect
during a Drive sync leaves an empty or cut-short copy. So the checkpoint before
the newest is kept as `checkpoint-previous.npz` until the next one is complete,
and `load_checkpoint` falls back to it (one interval lost, and it says so).
"""

import io
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

from kerasgan import files

CHECKPOINT_NAME = "checkpoint.npz"
PREVIOUS_CHECKPOINT_NAME = "checkpoint-previous.npz"


class DamagedCheckpointError(ValueError):
    """A checkpoint file that cannot be read back (empty, cut short, bytes changed)."""


def _state_variables(model):
    """Every variable of the model (both networks, the seed generator, BN statistics)
    followed by every variable of its two optimizers (moments, iteration counts)."""
    groups = [("model", model.variables)]
    for name in ("discriminator_optimizer", "generator_optimizer"):
        optimizer = getattr(model, name, None)
        if optimizer is not None:
            groups.append((name, optimizer.variables))
    return [(f"{group}/{index:04d}", variable) for group, variables in groups for index, variable in enumerate(variables)]


def _network_keys(model):
    """{"generator": [keys], "discriminator": [keys]}: which saved arrays are which network's
    weights, in the network's own order, so fine-tuning can take just those."""
    key_of = {id(variable): key for key, variable in _state_variables(model)}
    return {
        name: [key_of[id(variable)] for variable in getattr(model, name).variables]
        for name in ("generator", "discriminator")
    }


def previous_path(path):
    """Where the checkpoint before `path` is kept: checkpoint-previous.npz beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}-previous{path.suffix}")


def read_checkpoint_file(path):
    """Reads every array of a checkpoint into memory, checking that the file is whole.

    Every member's CRC-32 is checked as it is read, and the header's list of
    arrays must match the arrays present, so an empty, cut-short or altered
    file raises `DamagedCheckpointError` instead of a zip or pickle traceback.

    Returns:
        (header dict, {name: array}).
    """
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        header = json.loads(arrays.pop("progress.json").tobytes().decode("utf-8"))
        expected = set(header["variable_paths"]) | {
            name for name in arrays if name.startswith("array/")
        }
        if set(arrays) != expected or not isinstance(header["progress"], dict):
            raise ValueError("its list of arrays does not match its contents")
    except OSError as error:
        if not Path(path).is_file():
            raise
        raise DamagedCheckpointError(_damaged_sentence(path, error)) from error
    except Exception as error:  # BadZipFile, EOFError, Bad CRC-32, a broken header: all "damaged"
        raise DamagedCheckpointError(_damaged_sentence(path, error)) from error
    return header, arrays


def _damaged_sentence(path, error):
    return (
        f"The checkpoint {path} is damaged ({type(error).__name__}: {error}), so the run cannot "
        "resume from it: restore the file from a backup, or delete it (or pass --resume none) "
        "to start the run again."
    )


def read_header(path):
    """The JSON header of a checkpoint: progress, variable paths, network keys."""
    return read_checkpoint_file(path)[0]


def save_checkpoint(path, model, progress, arrays=None):
    """Writes the full training state to `path` (an .npz), atomically.

    Args:
        path: the checkpoint file.
        model: a compiled GAN model (both optimizers built).
        progress: a JSON-able dict (interval, epoch, ...) saved alongside.
        arrays: extra named NumPy arrays to keep (the fixed latent batch).
    """
    contents = {}
    names = {}
    for key, variable in _state_variables(model):
        contents[key] = np.asarray(variable.numpy())
        names[key] = variable.path
    for name, array in (arrays or {}).items():
        contents[f"array/{name}"] = np.asarray(array)
    header = {"progress": progress, "variable_paths": names, "networks": _network_keys(model)}
    contents["progress.json"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **contents)
    _keep_as_previous(path)
    files.write_bytes(path, buffer.getvalue())


def _keep_as_previous(path):
    """Keeps the current checkpoint as checkpoint-previous.npz before a new one replaces it.

    A hard link costs no copy, and the new checkpoint is renamed over the old
    name afterwards, so the two files never share their bytes once the write is
    done. At every moment both names hold a complete file (or none yet): a kill
    anywhere here loses nothing. Where links are not allowed (some synced
    drives), the file is copied.
    """
    path = Path(path)
    if not path.is_file():
        return
    previous = previous_path(path)
    with files.atomic_path(previous) as temporary:
        try:
            os.link(path, temporary)
        except OSError:
            shutil.copyfile(path, temporary)


def load_checkpoint(path, model):
    """Restores a checkpoint written by `save_checkpoint` into `model`.

    The model must be built and compiled the same way as when it was saved.
    When the file is damaged and the previous checkpoint (kept beside it) is
    whole, training resumes from that one, one interval earlier, and says so.

    Returns:
        (progress dict, dict of extra arrays).
    """
    path = Path(path)
    try:
        header, contents = read_checkpoint_file(path)
    except DamagedCheckpointError as damage:
        previous = previous_path(path)
        if not previous.is_file():
            raise
        try:
            header, contents = read_checkpoint_file(previous)
        except DamagedCheckpointError:
            raise damage from None
        print(
            f"kerasgan: the checkpoint {path} is damaged; resuming from the previous one, "
            f"{previous.name} (interval {header['progress'].get('interval')}).",
            file=sys.stderr,
            flush=True,
        )
        path = previous
    for key, variable in _state_variables(model):
        if key not in contents:
            raise ValueError(
                f"The checkpoint {path} was written by a different model (it has no {key}); "
                "start a new run with --resume none."
            )
        value = contents[key]
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"The checkpoint {path} does not match this model: {variable.path} has shape "
                f"{tuple(variable.shape)} here but {value.shape} in the checkpoint. Start a new "
                "run with --resume none, or use the same options as that run."
            )
    # Assigned only once every array fits, so a refused checkpoint leaves the model as it was.
    for key, variable in _state_variables(model):
        variable.assign(contents[key])
    arrays = {key[len("array/") :]: value for key, value in contents.items() if key.startswith("array/")}
    return header["progress"], arrays
