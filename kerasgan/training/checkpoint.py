"""A full training checkpoint in one file, so a run resumes exactly where it stopped.

Saving the generator's weights is not enough to resume a GAN: the optimizers'
moment estimates and step counts, the discriminator, the random number
generator's state and the fixed latent vectors of the sample grids all matter.
StyleGAN2-ADA and the TensorFlow tutorials restart those, so the loss curves
jump after a resume. Here every variable the model and its two optimizers own
goes into one `.npz` file, written atomically, plus a little JSON about where
training stood.
"""

import io
import json

import numpy as np

from kerasgan import files

CHECKPOINT_NAME = "checkpoint.npz"


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


def read_header(path):
    """The JSON header of a checkpoint: progress, variable paths, network keys."""
    with np.load(path) as archive:
        return json.loads(archive["progress.json"].tobytes().decode("utf-8"))


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
    files.write_bytes(path, buffer.getvalue())


def load_checkpoint(path, model):
    """Restores a checkpoint written by `save_checkpoint` into `model`.

    The model must be built and compiled the same way as when it was saved.

    Returns:
        (progress dict, dict of extra arrays).
    """
    with np.load(path) as archive:
        header = json.loads(archive["progress.json"].tobytes().decode("utf-8"))
        for key, variable in _state_variables(model):
            if key not in archive.files:
                raise ValueError(
                    f"The checkpoint {path} was written by a different model (it has no {key}); "
                    "start a new run with --resume none."
                )
            value = archive[key]
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"The checkpoint {path} does not match this model: {variable.path} has shape "
                    f"{tuple(variable.shape)} here but {value.shape} in the checkpoint. Start a new "
                    "run with --resume none, or use the same options as that run."
                )
            variable.assign(value)
        arrays = {
            key[len("array/") :]: archive[key] for key in archive.files if key.startswith("array/")
        }
    return header["progress"], arrays
