"""Reading NVIDIA's StyleGAN2 pickles safely, without PyTorch and without running their code.

A stylegan2-ada-pytorch snapshot (`network-snapshot-000123.pkl`, `ffhq.pkl`) is
`pickle.dump(dict(G=..., D=..., G_ema=..., augment_pipe=..., training_set_kwargs=...))`.
Each network is a "persistent" object: it pickles as a call to
`torch_utils.persistence._reconstruct_persistent_obj(meta)`, where `meta` carries the
source code of the network's module and the module's `__dict__` (its parameters,
buffers, sub-modules and settings). NVIDIA's loader executes that source code, so a
pickle from a stranger can run anything on the reader's computer.

This reader runs nothing from the file. `pickle` builds objects only by calling the
"globals" a pickle names; `SafeUnpickler.find_class` answers a fixed list of them with
our own functions and refuses every other name in one sentence before anything is called:

- `_reconstruct_persistent_obj(meta)` becomes a `PersistentModule`: the class name and
  the state, kept as data (the source code is never looked at).
- Tensors: `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` and
  `_rebuild_parameter(data, ...)` become NumPy arrays. PyTorch pickles a tensor's storage
  as `torch.storage._load_from_bytes(data)`, where `data` is a small file in
  `torch.save`'s legacy format: a few pickles (a magic number, the format version, the
  machine's sizes, the storage's description, its key) followed by the raw numbers. We
  parse those bytes ourselves, with the same safe unpickler, so PyTorch is not needed.
- `collections.OrderedDict`, NumPy's dtype and scalar rebuilders, `set`, and
  `dnnlib.EasyDict` (a dict with attribute access) become plain Python values.
- The TensorFlow pickles of NVlabs/stylegan2 and stylegan2-ada (TF) are a tuple (G, D, Gs)
  of `dnnlib.tflib.network.Network` objects, each pickled as its state: its name, the
  keyword arguments it was built with, the source code of its build function, and its
  variables as named NumPy arrays. The class becomes our `TensorFlowNetwork`, which keeps
  the name, arguments and variables (the source code, again, is never looked at).
"""

import collections
import io
import pickle
import struct

import numpy as np

from kerasgan.errors import KerasganError

# torch.save's legacy format starts with this number (then the format version, 1001).
TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
# PyTorch's storage classes and the NumPy types of their numbers (little-endian).
STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class UnsafePickleError(KerasganError):
    """A pickle asked for something off the list of globals a network pickle needs."""


class DamagedPickleError(KerasganError):
    """A pickle that ends early or is not a pickle at all."""


class PersistentModule:
    """One of NVIDIA's networks (or sub-networks) as data: its class name and its state.

    `state` is the module's `__dict__` as pickled: `_parameters`, `_buffers` and
    `_modules` (ordered dicts), and plain settings such as `z_dim` or `conv_clamp`.

    Example:

    ```python
    networks = read_network_pickle("ffhq.pkl")
    g_ema = networks["G_ema"]
    g_ema.class_name            # 'Generator'
    g_ema.setting("z_dim")      # 512
    g_ema.tensors()["mapping.w_avg"].shape  # (512,)
    ```
    """

    def __init__(self, class_name, state):
        self.class_name = str(class_name)
        self.state = dict(state or {})

    def setting(self, name, default=None):
        """A plain attribute of the module (`z_dim`, `architecture`, ...)."""
        return self.state.get(name, default)

    def children(self):
        """The sub-modules, by name, in order."""
        return dict(self.state.get("_modules") or {})

    def child(self, name):
        return self.children()[name]

    def tensors(self, prefix=""):
        """Every parameter and buffer below this module, by dotted name (as a state_dict)."""
        found = {}
        for group in ("_parameters", "_buffers"):
            for name, value in (self.state.get(group) or {}).items():
                if value is not None:
                    found[prefix + name] = np.asarray(value)
        for name, module in self.children().items():
            if isinstance(module, PersistentModule):
                found.update(module.tensors(f"{prefix}{name}."))
        return found

    def __repr__(self):
        return f"PersistentModule({self.class_name})"


class TensorFlowNetwork:
    """A `dnnlib.tflib.network.Network` of NVIDIA's TensorFlow code, as data.

    Attributes:
        name: "G", "D" or "Gs".
        settings: the keyword arguments it was built with (`static_kwargs`: resolution,
            `fmap_base`, ...).
        variables: {TF variable name: NumPy array}, e.g. "G_mapping/Dense0/weight",
            "G_synthesis/4x4/Conv/weight", "dlatent_avg".
        build_function: the name of its build function ("G_main", "D_stylegan2").
        components: its sub-networks by name (G's "mapping" and "synthesis"), each a
            `TensorFlowNetwork`.
        version: the format version NVIDIA's code wrote (4 for StyleGAN2).

    Example:

    ```python
    G, D, Gs = read_network_pickle("stylegan2-ffhq-config-f.pkl")
    Gs.name                                  # 'Gs'
    Gs.variables["dlatent_avg"].shape        # (512,)
    ```
    """

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise UnsafePickleError("The pickle holds a TensorFlow network whose state is not data.")
        self.name = str(state.get("name", ""))
        self.settings = dict(state.get("static_kwargs") or {})
        self.variables = {str(name): np.asarray(value)
                          for name, value in state.get("variables") or []}
        self.build_function = str(state.get("build_func_name", ""))
        self.version = int(state.get("version") or 0)
        self.components = dict(state.get("components") or {})
        if not all(isinstance(component, TensorFlowNetwork)
                   for component in self.components.values()):
            raise UnsafePickleError(
                "The pickle holds a TensorFlow network whose parts are not networks.")

    def __repr__(self):
        return f"TensorFlowNetwork({self.name}, {len(getattr(self, 'variables', {}))} variables)"


def is_tensorflow_snapshot(networks):
    """True for the (G, D, Gs) tuple of NVIDIA's TensorFlow pickles."""
    return (isinstance(networks, tuple) and len(networks) == 3
            and all(isinstance(network, TensorFlowNetwork) for network in networks))


class AttributeDict(dict):
    """`dnnlib.EasyDict` as data: a dict (NVIDIA's adds attribute access, not needed here)."""


# ------------------------------------------------------------------ rebuilders (our own)


def _reconstruct_persistent_obj(meta):
    """NVIDIA's persistent objects: keep the class name and the state, ignore the source code."""
    if not isinstance(meta, dict) or meta.get("type") != "class":
        raise UnsafePickleError("The pickle holds a persistent object that is not a network class.")
    return PersistentModule(meta.get("class_name"), meta.get("state"))


def _rebuild_tensor(storage, offset, size, stride, *unused):
    """A tensor: a strided view into its storage's numbers, copied into a NumPy array."""
    flat = np.asarray(storage)
    size, stride, offset = tuple(size), tuple(stride), int(offset)
    # as_strided does not check bounds: a crafted tensor must not read past its storage.
    last = offset + sum((extent - 1) * step for extent, step in zip(size, stride) if extent)
    if (len(size) != len(stride) or offset < 0 or any(step < 0 for step in stride)
            or (all(size) and last >= flat.size) or (not size and offset >= flat.size)):
        raise DamagedPickleError("A tensor in the pickle reaches outside its storage.")
    if not size:
        return flat[offset].copy()
    if not all(size):
        return np.zeros(size, flat.dtype)
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[offset:], shape=tuple(size), strides=tuple(s * itemsize for s in stride)
    )
    return np.array(view)


def _rebuild_parameter(data, *unused):
    return np.asarray(data)


def _rebuild_from_type(function, unused_type, arguments, unused_state):
    """Newer PyTorch wraps tensor rebuilds like this; the function is already one of ours."""
    if function not in (_rebuild_tensor, _rebuild_parameter):
        raise UnsafePickleError(
            "The pickle rebuilds a tensor with a function kerasgan does not know."
        )
    return function(*arguments)


class _StorageType:
    """Stands for `torch.FloatStorage` and friends inside a storage's bytes: just a dtype."""

    def __init__(self, name):
        self.name = name


def _numpy_dtype(name, *unused):
    dtype = np.dtype(name)
    if dtype.hasobject:
        raise UnsafePickleError("The pickle asks for a NumPy array of Python objects.")
    return dtype


def _numpy_scalar(dtype, data=None):
    if dtype.hasobject:
        raise UnsafePickleError("The pickle asks for a NumPy scalar holding a Python object.")
    return np.frombuffer(data, dtype=dtype)[0]


def _numpy_reconstruct(cls, shape, dtype_code):
    if cls is not np.ndarray:
        raise UnsafePickleError("The pickle rebuilds an array type kerasgan does not know.")
    return np.ndarray.__new__(np.ndarray, shape, np.dtype(dtype_code))


def _load_storage_from_bytes(data):
    """The numbers of one storage, from the bytes `torch.save` wrote (legacy format)."""
    stream = io.BytesIO(data)
    header = [_SafeUnpickler(stream).load() for _ in range(3)]
    if header[0] != TORCH_LEGACY_MAGIC:
        raise DamagedPickleError(
            "A tensor's storage in the pickle is not in a format kerasgan reads."
        )
    unpickler = _StorageUnpickler(stream)
    unpickler.load()
    descriptions = unpickler.descriptions
    keys = _SafeUnpickler(stream).load()
    if len(descriptions) != 1 or len(keys) != 1:
        raise DamagedPickleError(
            "A tensor's storage in the pickle holds more than one block of numbers."
        )
    storage_type = descriptions[0][1]
    (count,) = struct.unpack("<q", stream.read(8))
    dtype = STORAGE_DTYPES.get(getattr(storage_type, "name", None))
    if dtype is None:
        raise DamagedPickleError(f"The pickle holds a tensor type kerasgan does not read "
                                 f"({getattr(storage_type, 'name', storage_type)}).")
    if dtype == "bfloat16":
        # bfloat16 is the top half of a float32: shift it up.
        halves = np.frombuffer(stream.read(2 * count), "<u2").astype(np.uint32)
        numbers = (halves << 16).view(np.float32)
    else:
        raw = stream.read(np.dtype(dtype).itemsize * count)
        numbers = np.frombuffer(raw, dtype=dtype)
    if numbers.size != count:
        raise DamagedPickleError("A tensor's storage in the pickle ends early.")
    return numbers


# The only globals a network pickle may name, each mapped to our own function or class.
ALLOWED_GLOBALS = {
    ("torch_utils.persistence", "_reconstruct_persistent_obj"): _reconstruct_persistent_obj,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type,
    ("torch._utils", "_rebuild_from_type_v2"): _rebuild_from_type,
    ("torch.storage", "_load_from_bytes"): _load_storage_from_bytes,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("dnnlib.util", "EasyDict"): AttributeDict,
    ("dnnlib", "EasyDict"): AttributeDict,
    ("dnnlib.tflib.network", "Network"): TensorFlowNetwork,
    ("torch", "Tensor"): None,  # the type argument of _rebuild_from_type_v2, unused
    ("torch.nn.parameter", "Parameter"): None,
    ("numpy", "dtype"): _numpy_dtype,
    ("numpy", "ndarray"): np.ndarray,
    **{(module, "scalar"): _numpy_scalar
       for module in ("numpy.core.multiarray", "numpy._core.multiarray")},
    **{(module, "_reconstruct"): _numpy_reconstruct
       for module in ("numpy.core.multiarray", "numpy._core.multiarray")},
    **{("torch", name): _StorageType(name) for name in STORAGE_DTYPES},
}


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only `ALLOWED_GLOBALS`, to our own functions."""

    def find_class(self, module, name):
        key = (module, name)
        if key not in ALLOWED_GLOBALS:
            raise UnsafePickleError(
                f"The pickle asks to run {module}.{name}, which is not on the list of things a "
                "StyleGAN2 network pickle needs, so kerasgan refused to load it and ran nothing "
                "from it: load only pickles from sources you trust, or re-save this one from "
                "NVIDIA's own code."
            )
        return ALLOWED_GLOBALS[key]

    def persistent_load(self, saved_id):
        raise DamagedPickleError(
            "The pickle refers to data outside itself (a torch.save file, not a network pickle): "
            "pass the .pkl that NVIDIA's training wrote."
        )


class _StorageUnpickler(_SafeUnpickler):
    """Reads the storage description inside `torch.save`'s bytes (a reference to the numbers)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.descriptions = []

    def persistent_load(self, saved_id):
        # ('storage', storage type, key, location, number of elements, view metadata)
        if not isinstance(saved_id, tuple) or not saved_id or saved_id[0] != "storage":
            raise DamagedPickleError("A tensor's storage in the pickle has an unknown description.")
        self.descriptions.append(saved_id)
        return saved_id


def read_network_pickle(file, name="the pickle"):
    """Reads one of NVIDIA's StyleGAN2 pickles into data, running nothing from it.

    Args:
        file: a path, or an open binary file.
        name: how to call the file in error messages.

    Returns:
        What the pickle holds, with each network as a `PersistentModule` and each
        tensor as a NumPy array (for a stylegan2-ada-pytorch snapshot: a dict with
        "G", "D", "G_ema", ...).

    Raises:
        UnsafePickleError: the pickle names a global off the list (nothing was run).
        DamagedPickleError: the file ends early or is not a pickle.

    Example:

    ```python
    networks = read_network_pickle("network-snapshot-000400.pkl")
    networks["G_ema"].setting("img_resolution")  # 256
    ```
    """
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        name = str(file)
        with open(file, "rb") as handle:
            return read_network_pickle(handle, name)
    try:
        return _SafeUnpickler(file).load()
    except (UnsafePickleError, DamagedPickleError) as error:
        raise type(error)(f"{name}: {error}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError,
            AttributeError, struct.error, UnicodeDecodeError, MemoryError) as error:
        raise DamagedPickleError(
            f"{name} is damaged or not a network pickle ({type(error).__name__}: {error}): "
            "download or copy it again."
        ) from None
