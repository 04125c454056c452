"""Writing pickles in the layout of NVIDIA's stylegan2-ada-pytorch snapshots, without PyTorch.

The tests need NVIDIA-layout pickles of networks whose outputs NVIDIA's code computed
(`tools/nvidia_reference.py` stores their tensors and settings in an `.npz`). A real
NVIDIA pickle carries NVIDIA's source code, which this repository must not hold, so we
write our own: the same globals (`_reconstruct_persistent_obj`, `_rebuild_tensor_v2`,
`_rebuild_parameter`, `_load_from_bytes`, `OrderedDict`), the same module tree with the
same class names and settings, each storage as the bytes of `torch.save`'s legacy format.
The module source inside is a placeholder comment: nothing reads it.

`write_tensorflow_pickle` writes the TensorFlow layout of NVlabs/stylegan2 and stylegan2-ada
the same way: a tuple (G, D, Gs) of `dnnlib.tflib.network.Network` states, their variables
as NumPy arrays pickled by NumPy's own names, the build code a placeholder.

Example:

```python
write_network_pickle("net.pkl", {"G": ("G", g_kwargs, g_tensors), "D": ("D", d_kwargs, d_tensors)})
```
"""

import collections
import io
import math
import pickle
import struct

import numpy as np

from kerasgan.nvidia.pickles import TORCH_LEGACY_MAGIC

PICKLE_PROTOCOL = 3  # what Python 3.7 (NVIDIA's environment) wrote by default
MODULE_SOURCE = "# a stand-in: kerasgan never runs the source code inside a network pickle\n"
STORAGE_NAMES = {np.dtype("<f4"): "FloatStorage", np.dtype("<f2"): "HalfStorage",
                 np.dtype("<i8"): "LongStorage"}


class _Global:
    """A global written by name (GLOBAL opcode): we never need the real object."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *unused):  # pickle insists that a reduce function be callable
        raise TypeError("a stand-in for pickling only")


class _Call:
    """Pickles as `function(*arguments)`."""

    def __init__(self, function, arguments):
        self.function, self.arguments = function, tuple(arguments)

    def __reduce__(self):
        return (self.function, self.arguments)


class _PersistentId:
    """Pickles as a persistent id (BINPERSID), as torch.save refers to a storage."""

    def __init__(self, saved_id):
        self.saved_id = saved_id


class _Pickler(pickle._Pickler):  # the Python pickler: its `save` can be extended
    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _Global):
            if id(obj) in self.memo:
                self.write(self.get(self.memo[id(obj)][0]))
                return
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
            self.memoize(obj)
            return
        if isinstance(obj, _PersistentId):
            self.save(obj.saved_id)
            self.write(pickle.BINPERSID)
            return
        super().save(obj, save_persistent_id)


def _dumps(obj, protocol=PICKLE_PROTOCOL):
    stream = io.BytesIO()
    _Pickler(stream, protocol=protocol).dump(obj)
    return stream.getvalue()


RECONSTRUCT = _Global("torch_utils.persistence", "_reconstruct_persistent_obj")
REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
LOAD_FROM_BYTES = _Global("torch.storage", "_load_from_bytes")


def storage_bytes(array):
    """One storage in torch.save's legacy format: five small pickles, then the numbers."""
    array = np.ascontiguousarray(array)
    storage_type = _Global("torch", STORAGE_NAMES[array.dtype.newbyteorder("<")])
    key = "0"
    sizes = {"protocol_version": 1001, "little_endian": True,
             "type_sizes": {"short": 2, "int": 4, "long": 4}}
    parts = [
        _dumps(TORCH_LEGACY_MAGIC, 2),
        _dumps(1001, 2),
        _dumps(sizes, 2),
        _dumps(_PersistentId(("storage", storage_type, key, "cpu", array.size, None)), 2),
        _dumps([key], 2),
        struct.pack("<q", array.size),
        array.astype(array.dtype.newbyteorder("<")).tobytes(),
    ]
    return b"".join(parts)


def tensor(array, parameter=False):
    """A torch tensor (or Parameter) as NVIDIA's pickles hold it."""
    array = np.asarray(array, np.float32)
    strides = []
    step = 1
    for size in reversed(array.shape):
        strides.insert(0, step)
        step *= size
    rebuilt = _Call(REBUILD_TENSOR, (
        _Call(LOAD_FROM_BYTES, (storage_bytes(array.reshape(-1)),)),
        0, tuple(array.shape), tuple(strides), parameter, collections.OrderedDict(),
    ))
    if parameter:
        return _Call(REBUILD_PARAMETER, (rebuilt, True, collections.OrderedDict()))
    return rebuilt


BUFFER_NAMES = ("resample_filter", "noise_const", "w_avg")

# One module of NVIDIA's tree, before it is pickled or read: the builders below make these,
# `_pickled` turns them into what a pickle holds, `in_memory` into what the reader returns.
ModuleTree = collections.namedtuple(
    "ModuleTree", "class_name settings tensors children init_kwargs")


def persistent_module(class_name, settings, tensors, children=(), init_kwargs=None):
    """One of NVIDIA's persistent modules: class name, settings, own tensors, sub-modules."""
    return ModuleTree(class_name, settings, tensors, list(children), dict(init_kwargs or {}))


def _module_state(tree, as_tensor, as_child):
    """torch.nn.Module's `__dict__` for one module, its tensors and children made by the caller."""
    return {
        "training": False,
        "_parameters": collections.OrderedDict(
            (name, as_tensor(value, True)) for name, value in tree.tensors.items()
            if name not in BUFFER_NAMES),
        "_buffers": collections.OrderedDict(
            (name, as_tensor(value, False)) for name, value in tree.tensors.items()
            if name in BUFFER_NAMES),
        "_non_persistent_buffers_set": set(),
        "_backward_hooks": collections.OrderedDict(),
        "_forward_hooks": collections.OrderedDict(),
        "_forward_pre_hooks": collections.OrderedDict(),
        "_state_dict_hooks": collections.OrderedDict(),
        "_load_state_dict_pre_hooks": collections.OrderedDict(),
        "_modules": collections.OrderedDict(
            (name, as_child(child)) for name, child in tree.children),
        "_init_args": (),
        "_init_kwargs": tree.init_kwargs,
        **tree.settings,
    }


def _pickled(tree):
    """A module as NVIDIA's pickles hold it: `_reconstruct_persistent_obj(meta)`."""
    state = _module_state(tree, lambda value, parameter: tensor(value, parameter), _pickled)
    meta = dict(type="class", version=4, module_src=MODULE_SOURCE, class_name=tree.class_name,
                state=state)
    return _Call(RECONSTRUCT, (meta,))


def in_memory(tree):
    """A module as `read_network_pickle` returns it, without writing a pickle."""
    from kerasgan.nvidia.pickles import PersistentModule

    state = _module_state(tree, lambda value, parameter: np.asarray(value, np.float32), in_memory)
    return PersistentModule(tree.class_name, state)


# ------------------------------------------------------------------ the networks' trees


def _own(tensors, prefix):
    """The tensors directly under `prefix` (not in sub-modules), by short name."""
    return {name[len(prefix):]: value for name, value in tensors.items()
            if name.startswith(prefix) and "." not in name[len(prefix):]}


def _dense(tensors, prefix, activation="linear", lr_multiplier=1.0):
    fan_in = tensors[prefix + "weight"].shape[1]
    return persistent_module("FullyConnectedLayer", dict(
        activation=activation, weight_gain=lr_multiplier / math.sqrt(fan_in),
        bias_gain=lr_multiplier), _own(tensors, prefix))


def _mapping(tensors, prefix, z_dim, c_dim, w_dim, num_ws, w_avg_beta):
    children = []
    if c_dim:
        children.append(("embed", _dense(tensors, prefix + "embed.")))
    names = {name.split(".")[0] for name in _strip(tensors, prefix)}
    num_layers = len([name for name in names if name.startswith("fc")])
    for index in range(num_layers):
        children.append((f"fc{index}", _dense(tensors, f"{prefix}fc{index}.", "lrelu", 0.01)))
    return persistent_module("MappingNetwork", dict(
        z_dim=z_dim, c_dim=c_dim, w_dim=w_dim, num_ws=num_ws, num_layers=num_layers,
        w_avg_beta=w_avg_beta), _own(tensors, prefix), children)


def _strip(tensors, prefix):
    return [name[len(prefix):] for name in tensors if name.startswith(prefix)]


def generator_module(kwargs, tensors):
    """NVIDIA's Generator tree from its constructor arguments and its state dict."""
    resolution = kwargs["img_resolution"]
    synthesis_kwargs = kwargs.get("synthesis_kwargs", {})
    clamp = synthesis_kwargs.get("conv_clamp")
    num_fp16_res = synthesis_kwargs.get("num_fp16_res", 0)
    levels = int(math.log2(resolution))
    fp16_from = max(2 ** (levels + 1 - num_fp16_res), 8)
    resolutions = [2**level for level in range(2, levels + 1)]
    blocks = []
    for res in resolutions:
        prefix = f"synthesis.b{res}."
        layers = []
        for conv in ("conv0", "conv1") if res > 4 else ("conv1",):
            layer_prefix = f"{prefix}{conv}."
            layers.append((conv, persistent_module("SynthesisLayer", dict(
                resolution=res, up=2 if conv == "conv0" else 1, use_noise=True,
                activation="lrelu", conv_clamp=clamp, padding=1, act_gain=math.sqrt(2.0)),
                _own(tensors, layer_prefix),
                [("affine", _dense(tensors, layer_prefix + "affine."))])))
        in_channels = tensors[f"{prefix}torgb.weight"].shape[1]
        layers.append(("torgb", persistent_module("ToRGBLayer", dict(
            conv_clamp=clamp, weight_gain=1 / math.sqrt(in_channels)),
            _own(tensors, prefix + "torgb."),
            [("affine", _dense(tensors, prefix + "torgb.affine."))])))
        blocks.append((f"b{res}", persistent_module("SynthesisBlock", dict(
            in_channels=0 if res == 4 else tensors[f"{prefix}conv0.weight"].shape[1],
            w_dim=kwargs["w_dim"], resolution=res, img_channels=kwargs["img_channels"],
            is_last=res == resolution, architecture="skip", use_fp16=res >= fp16_from,
            channels_last=False, num_conv=1 if res == 4 else 2, num_torgb=1),
            _own(tensors, prefix), layers)))
    num_ws = 2 * len(resolutions)
    synthesis = persistent_module("SynthesisNetwork", dict(
        w_dim=kwargs["w_dim"], img_resolution=resolution, img_resolution_log2=levels,
        img_channels=kwargs["img_channels"], block_resolutions=resolutions, num_ws=num_ws),
        {}, blocks)
    mapping = _mapping(tensors, "mapping.", kwargs["z_dim"], kwargs["c_dim"], kwargs["w_dim"],
                       num_ws, kwargs.get("mapping_kwargs", {}).get("w_avg_beta", 0.995))
    settings = {key: kwargs[key] for key in ("z_dim", "c_dim", "w_dim", "img_resolution",
                                             "img_channels")}
    return persistent_module("Generator", dict(settings, num_ws=num_ws), {},
                             [("synthesis", synthesis), ("mapping", mapping)], kwargs)


def _conv(tensors, prefix, clamp, activation="lrelu", down=1):
    kernel = tensors[prefix + "weight"].shape[-1]
    return persistent_module("Conv2dLayer", dict(
        activation=activation, up=1, down=down, conv_clamp=clamp, padding=kernel // 2,
        act_gain=math.sqrt(2.0) if activation == "lrelu" else 1.0,
        weight_gain=1 / math.sqrt(np.prod(tensors[prefix + "weight"].shape[1:]))),
        _own(tensors, prefix))


def discriminator_module(kwargs, tensors):
    """NVIDIA's Discriminator tree from its constructor arguments and its state dict."""
    resolution = kwargs["img_resolution"]
    clamp = kwargs.get("conv_clamp")
    architecture = kwargs.get("architecture", "resnet")
    levels = int(math.log2(resolution))
    fp16_from = max(2 ** (levels + 1 - kwargs.get("num_fp16_res", 0)), 8)
    children = []
    for res in [2**level for level in range(levels, 2, -1)]:
        prefix = f"b{res}."
        layers = []
        if res == resolution:
            layers.append(("fromrgb", _conv(tensors, prefix + "fromrgb.", clamp)))
        layers.append(("conv0", _conv(tensors, prefix + "conv0.", clamp)))
        layers.append(("conv1", _conv(tensors, prefix + "conv1.", clamp, down=2)))
        if architecture == "resnet":
            layers.append(("skip", _conv(tensors, prefix + "skip.", None, "linear", down=2)))
        children.append((f"b{res}", persistent_module("DiscriminatorBlock", dict(
            in_channels=0 if res == resolution else tensors[prefix + "conv0.weight"].shape[1],
            resolution=res, img_channels=kwargs["img_channels"], architecture=architecture,
            use_fp16=res >= fp16_from, channels_last=False), _own(tensors, prefix), layers)))
    c_dim = kwargs["c_dim"]
    cmap_dim = tensors["b4.out.weight"].shape[0] if c_dim else 0
    if c_dim:
        children.append(("mapping", _mapping(tensors, "mapping.", 0, c_dim, cmap_dim, None, None)))
    epilogue = kwargs.get("epilogue_kwargs", {})
    mbstd = persistent_module("MinibatchStdLayer", dict(
        group_size=epilogue.get("mbstd_group_size", 4),
        num_channels=epilogue.get("mbstd_num_channels", 1)), {})
    children.append(("b4", persistent_module("DiscriminatorEpilogue", dict(
        in_channels=tensors["b4.conv.weight"].shape[0], cmap_dim=cmap_dim, resolution=4,
        img_channels=kwargs["img_channels"], architecture=architecture), {}, [
            ("mbstd", mbstd),
            ("conv", _conv(tensors, "b4.conv.", clamp)),
            ("fc", _dense(tensors, "b4.fc.", "lrelu")),
            ("out", _dense(tensors, "b4.out.")),
        ])))
    settings = dict(c_dim=c_dim, img_resolution=resolution, img_resolution_log2=levels,
                    img_channels=kwargs["img_channels"],
                    block_resolutions=[2**level for level in range(levels, 2, -1)])
    return persistent_module("Discriminator", settings, {}, children, kwargs)


def write_network_pickle(path, networks, training_set_kwargs=None):
    """Writes a snapshot pickle: a dict of NVIDIA-layout networks, as NVIDIA's training does.

    Args:
        path: the file to write.
        networks: {"G": (kind, kwargs, tensors), "D": ..., "G_ema": ...}, kind "G" or "D",
            kwargs the network's constructor arguments, tensors its state dict (name -> array).
        training_set_kwargs: stored as is (NVIDIA keeps the dataset's settings there).
    """
    builders = {"G": generator_module, "D": discriminator_module}
    snapshot = {name: _pickled(builders[kind](kwargs, tensors))
                for name, (kind, kwargs, tensors) in networks.items()}
    snapshot.update(augment_pipe=None, training_set_kwargs=training_set_kwargs)
    with open(path, "wb") as file:
        _Pickler(file, protocol=PICKLE_PROTOCOL).dump(snapshot)


def _fixture_networks(fixture, names, prefix, kwargs_prefix):
    """{name: (kind, kwargs, arrays under `prefix + name/`)} from a reference `.npz`."""
    import json

    arrays = np.load(fixture) if isinstance(fixture, str) else fixture
    networks = {}
    for name, kind in names:
        start = f"{prefix}{name}/"
        networks[name] = (kind, json.loads(str(arrays[kwargs_prefix + kind])),
                          {key[len(start):]: arrays[key] for key in arrays.files
                           if key.startswith(start)})
    return networks


def networks_from_fixture(fixture):
    """The `networks` argument of `write_network_pickle` from a reference `.npz`."""
    return _fixture_networks(fixture, (("G", "G"), ("D", "D"), ("G_ema", "G")), "", "kwargs/")


# ------------------------------------------------------------------ TensorFlow pickles


class _Built:
    """Pickles as `function(*arguments)` followed by BUILD with `state`."""

    def __init__(self, function, arguments, state):
        self.function, self.arguments, self.state = function, tuple(arguments), state

    def __reduce__(self):
        return (self.function, self.arguments, self.state)


TENSORFLOW_NETWORK = _Global("dnnlib.tflib.network", "Network")
# NumPy's own names in the pickles of NVIDIA's TensorFlow years (NumPy 1).
NUMPY_RECONSTRUCT = _Global("numpy.core.multiarray", "_reconstruct")
NUMPY_ARRAY = _Global("numpy", "ndarray")
NUMPY_DTYPE = _Global("numpy", "dtype")
# The sub-networks of NVIDIA's TensorFlow generator, by the first part of a variable's name.
GENERATOR_COMPONENTS = {"mapping": "G_mapping", "synthesis": "G_synthesis"}


def numpy_array(array):
    """A float32 NumPy array as NumPy pickles one: `_reconstruct`, then its shape and bytes."""
    array = np.array(array, "<f4", order="C")
    dtype = _Built(NUMPY_DTYPE, ("f4", False, True), (3, "<", None, None, None, -1, -1, 0))
    return _Built(NUMPY_RECONSTRUCT, (NUMPY_ARRAY, (0,), b"b"),
                  (1, tuple(array.shape), dtype, False, array.tobytes()))


def tensorflow_network(name, static_kwargs, variables, build_function, components=()):
    """One `dnnlib.tflib.network.Network` as NVIDIA's TensorFlow code pickles it: its state."""
    return _Built(TENSORFLOW_NETWORK, (), {
        "version": 4,
        "name": name,
        "static_kwargs": dict(static_kwargs),
        "components": dict(components),
        "build_module_src": MODULE_SOURCE,
        "build_func_name": build_function,
        "variables": [(key, numpy_array(value)) for key, value in variables.items()],
    })


def _tensorflow_generator(name, static_kwargs, variables):
    own = {key: value for key, value in variables.items()
           if key.split("/")[0] not in GENERATOR_COMPONENTS}
    components = {}
    for component, network_name in GENERATOR_COMPONENTS.items():
        prefix = component + "/"
        components[component] = tensorflow_network(
            network_name, static_kwargs,
            {key[len(prefix):]: value for key, value in variables.items()
             if key.startswith(prefix)},
            network_name if component == "mapping" else "G_synthesis_stylegan2")
    return tensorflow_network(name, static_kwargs, own, "G_main", components.items())


def write_tensorflow_pickle(path, networks):
    """Writes a pickle in the layout of NVlabs/stylegan2 and stylegan2-ada (TensorFlow).

    Args:
        path: the file to write.
        networks: {"G": (static_kwargs, variables), "D": ..., "Gs": ...}; variables by full
            TensorFlow name ("mapping/Dense0/weight", "synthesis/4x4/Conv/weight",
            "dlatent_avg"), as `tensorflow_layout.tensorflow_variables` makes them.
    """
    pickled = (
        _tensorflow_generator("G", *networks["G"]),
        tensorflow_network("D", *networks["D"], "D_stylegan2"),
        _tensorflow_generator("Gs", *networks["Gs"]),
    )
    with open(path, "wb") as file:
        _Pickler(file, protocol=PICKLE_PROTOCOL).dump(pickled)


def tensorflow_networks_from_fixture(fixture):
    """The `networks` argument of `write_tensorflow_pickle` from a reference `.npz`."""
    networks = _fixture_networks(fixture, (("G", "G"), ("D", "D"), ("Gs", "G")), "tf/",
                                 "tf_kwargs/")
    return {name: (kwargs, variables) for name, (_, kwargs, variables) in networks.items()}
