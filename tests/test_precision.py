"""Mixed precision is chosen from the hardware: bfloat16 where it is computed, float16 on older GPUs."""

import pytest

from kerasgan.precision import choose_mixed_precision, choose_policy, cpu_flags


def test_the_policy_follows_the_hardware():
    t4, a100 = (7, 5), (8, 0)
    assert choose_policy(gpu_capabilities=[t4]).policy == "mixed_float16"
    assert choose_policy(gpu_capabilities=[a100]).policy == "mixed_bfloat16"
    # Two GPUs compute in lockstep: the older one decides.
    assert choose_policy(gpu_capabilities=[a100, t4]).policy == "mixed_float16"
    # A GPU decides over the CPU it sits in; a TPU computes bfloat16.
    assert choose_policy([t4], cpu_flags={"avx512_bf16"}).policy == "mixed_float16"
    assert choose_policy(tpu=True).policy == "mixed_bfloat16"
    assert choose_policy(cpu_flags={"avx512f", "avx512_bf16"}).policy == "mixed_bfloat16"
    assert choose_policy(cpu_flags={"amx_tile", "amx_bf16"}).policy == "mixed_bfloat16"
    # A laptop CPU without bf16 instructions would emulate 16-bit arithmetic: slower.
    laptop = choose_policy(cpu_flags={"avx2", "fma"})
    assert laptop.policy == "float32"
    assert "no bfloat16 instructions" in laptop.sentence()
    assert choose_policy([t4]).sentence() == (
        "Mixed precision: mixed_float16, because the GPU computes float16 but not bfloat16 "
        "(compute capability 7.5, before 8.0)."
    )


def test_this_machine_is_read_from_its_cpu_flags():
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("a GPU decides the policy on this machine")
    flags = cpu_flags()
    choice = choose_mixed_precision()
    expected = "mixed_bfloat16" if {"avx512_bf16", "amx_bf16"} & flags else "float32"
    assert choice.policy == expected
    assert choice.sentence().startswith("Mixed precision: ")


def test_train_uses_the_chosen_policy_and_says_so(tmp_path, capsys):
    import shutil
    from pathlib import Path

    import keras

    from kerasgan.training.trainer import train

    dataset = tmp_path / "digits.npz"  # 32 real digits
    shutil.copy(Path(__file__).parent / "training" / "fixtures" / "digits.npz", dataset)
    run = train(
        "dcgan", str(dataset), outdir=tmp_path / "results", epochs=1, batch_size=8, interval_steps=4,
        latent_dim=4, generator_filters=4, discriminator_filters=4, mixed_precision=True,
    )  # fmt: skip
    choice = choose_mixed_precision()
    assert choice.sentence() in capsys.readouterr().out
    generator = keras.models.load_model(run.latest_snapshot())
    policies = {layer.dtype_policy.name for layer in generator.layers if layer.weights}
    assert choice.policy in policies
    assert keras.config.dtype_policy().name == "float32"  # later models are float32 again
