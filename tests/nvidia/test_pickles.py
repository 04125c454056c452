"""Reading NVIDIA-layout StyleGAN2 pickles: the tensors come back, and nothing in the file runs.

The pickles are written by our own writer from `fixtures/*.npz`, which
`tools/nvidia_reference.py` made with NVIDIA's code; the reader was also checked by hand
on pickles NVIDIA's code wrote (same tensors, bit for bit).
"""

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from kerasgan.nvidia.pickles import (
    DamagedPickleError,
    PersistentModule,
    TensorFlowNetwork,
    UnsafePickleError,
    is_tensorflow_snapshot,
    read_network_pickle,
)
from kerasgan.nvidia.writer import (
    LOAD_FROM_BYTES,
    _Call,
    _Global,
    _dumps,
    networks_from_fixture,
    write_network_pickle,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def cifar_fixture():
    return np.load(FIXTURES / "cifar32.npz")


@pytest.fixture(scope="module")
def cifar_pickle(cifar_fixture, tmp_path_factory):
    path = tmp_path_factory.mktemp("pickles") / "cifar32.pkl"
    write_network_pickle(path, networks_from_fixture(cifar_fixture))
    return path


def one_sentence(message):
    message = str(message)
    return "\n" not in message and message.endswith(".") and len(message) < 400


def test_every_tensor_comes_back_exactly(cifar_pickle, cifar_fixture):
    networks = read_network_pickle(cifar_pickle)
    assert {"G", "D", "G_ema", "augment_pipe", "training_set_kwargs"} <= set(networks)
    for name in ("G", "D", "G_ema"):
        tensors = networks[name].tensors()
        expected = {key[len(name) + 1:] for key in cifar_fixture.files
                    if key.startswith(name + "/")}
        assert set(tensors) == expected
        for key, value in tensors.items():
            np.testing.assert_array_equal(value, cifar_fixture[f"{name}/{key}"])


def test_the_module_tree_and_settings_are_data(cifar_pickle):
    g_ema = read_network_pickle(cifar_pickle)["G_ema"]
    assert isinstance(g_ema, PersistentModule) and g_ema.class_name == "Generator"
    assert (g_ema.setting("z_dim"), g_ema.setting("c_dim"), g_ema.setting("img_resolution")) == (
        32, 10, 32)
    block = g_ema.child("synthesis").child("b32")
    assert block.class_name == "SynthesisBlock" and block.setting("use_fp16") is True
    assert block.child("conv0").setting("conv_clamp") == 256
    assert g_ema.tensors()["synthesis.b32.conv0.weight"].shape == (32, 32, 3, 3)


class RunsAShellCommand:
    """What an attacker puts in a pickle: unpickling it would call os.system."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_a_command_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"G_ema": RunsAShellCommand(marker)}))
    # The same file through the ordinary unpickler would create the marker: it is a real attack.
    with pytest.raises(UnsafePickleError) as refusal:
        read_network_pickle(path)
    assert not marker.exists()
    assert one_sentence(refusal.value)
    assert "system" in str(refusal.value) and "ran nothing" in str(refusal.value)


def test_any_global_off_the_list_is_refused(tmp_path):
    path = tmp_path / "eval.pkl"
    path.write_bytes(pickle.dumps({"G": eval}))  # builtins.eval, not on the list
    with pytest.raises(UnsafePickleError, match="builtins.eval") as refusal:
        read_network_pickle(path)
    assert one_sentence(refusal.value)


def test_a_global_hidden_inside_a_tensor_storage_is_refused(tmp_path):
    # A storage's bytes are a pickle too: the same list guards it.
    inner = pickle.dumps(RunsAShellCommand(tmp_path / "marker"), protocol=2)
    path = tmp_path / "storage.pkl"
    path.write_bytes(_dumps({"G": _Call(LOAD_FROM_BYTES, (inner,))}))
    with pytest.raises(UnsafePickleError):
        read_network_pickle(path)
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_a_truncated_pickle_is_one_sentence(cifar_pickle, tmp_path, keep):
    data = cifar_pickle.read_bytes()
    path = tmp_path / "truncated.pkl"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(DamagedPickleError) as error:
        read_network_pickle(path)
    assert one_sentence(error.value) and "truncated.pkl" in str(error.value)


def test_a_file_that_is_not_a_pickle_is_one_sentence(tmp_path):
    path = tmp_path / "photo.pkl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(DamagedPickleError) as error:
        read_network_pickle(path)
    assert one_sentence(error.value)


def test_a_tensor_that_reaches_outside_its_storage_is_refused(tmp_path):
    from kerasgan.nvidia.writer import REBUILD_TENSOR, storage_bytes

    storage = _Call(LOAD_FROM_BYTES, (storage_bytes(np.zeros(4, np.float32)),))
    for offset, size, stride in ((0, (4,), (2,)), (3, (2,), (1,)), (0, (2, 2), (-1, 1))):
        path = tmp_path / "strided.pkl"
        path.write_bytes(_dumps({"G": _Call(REBUILD_TENSOR, (storage, offset, size, stride))}))
        with pytest.raises(DamagedPickleError, match="outside its storage"):
            read_network_pickle(path)
    path.write_bytes(_dumps({"G": _Call(REBUILD_TENSOR, (storage, 1, (3,), (1,)))}))
    assert read_network_pickle(path)["G"].shape == (3,)


class _TensorFlowNetworkState:
    """Pickles as NVIDIA's TF code writes a network: `dnnlib.tflib.network.Network`, then its
    state (name, build arguments, build source code, variables as named arrays)."""

    def __init__(self, state):
        self.state = state

    def __reduce__(self):
        return (_Global("dnnlib.tflib.network", "Network"), (), self.state)


def tensorflow_state(name, variables, marker):
    return {
        "version": 4, "name": name, "static_kwargs": {"resolution": 64, "fmap_base": 512},
        "components": {}, "build_func_name": "G_main" if name != "D" else "D_stylegan2",
        # NVIDIA's loader runs this; ours must not.
        "build_module_src": f"import os\nos.system('touch {marker}')\n",
        "variables": list(variables.items()),
    }


def test_a_tensorflow_pickle_is_read_as_data_and_its_code_never_runs(tmp_path, capsys):
    from kerasgan.cli import main

    marker = tmp_path / "marker"
    numbers = np.random.default_rng(0)
    g_variables = {"G_mapping/Dense0/weight": numbers.standard_normal((32, 32)).astype("float32"),
                   "G_synthesis/4x4/Conv/weight": numbers.standard_normal((3, 3, 32, 32)),
                   "dlatent_avg": numbers.standard_normal(32).astype("float32")}
    d_variables = {"4x4/Dense0/bias": numbers.standard_normal(32).astype("float32")}
    networks = tuple(_TensorFlowNetworkState(tensorflow_state(name, variables, marker))
                     for name, variables in (("G", g_variables), ("D", d_variables),
                                             ("Gs", g_variables)))
    path = tmp_path / "stylegan2-config-f.pkl"
    path.write_bytes(_dumps(networks))

    read = read_network_pickle(path)
    assert is_tensorflow_snapshot(read) and [network.name for network in read] == ["G", "D", "Gs"]
    gs = read[2]
    assert isinstance(gs, TensorFlowNetwork) and gs.build_function == "G_main"
    assert gs.settings == {"resolution": 64, "fmap_base": 512}
    assert set(gs.variables) == set(g_variables)
    for name, value in g_variables.items():
        np.testing.assert_array_equal(gs.variables[name], value)
        assert gs.variables[name].dtype == value.dtype
    # Its variables are not a StyleGAN2's (no sub-networks, odd names): one sentence.
    assert main(["convert", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "TensorFlow generator has no variable" in error[0]
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_a_tensorflow_network_whose_state_is_not_data_is_refused(tmp_path):
    path = tmp_path / "odd.pkl"
    path.write_bytes(_dumps(_TensorFlowNetworkState(["not", "a", "dict"])))
    with pytest.raises(UnsafePickleError, match="not data"):
        read_network_pickle(path)
