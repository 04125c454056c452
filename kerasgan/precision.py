"""Mixed precision: which 16-bit type this machine computes fastest, chosen from its hardware.

Mixed precision keeps the weights in float32 and computes the layers in a 16-bit type,
which is faster where the hardware has units for it (Micikevicius et al. 2018,
https://arxiv.org/abs/1710.03740; the Keras guide: https://keras.io/api/mixed_precision/).
Which type depends on the hardware:

- bfloat16 has float32's range, so gradients need no loss scaling. NVIDIA GPUs compute it
  from compute capability 8.0 (A100, L4, RTX 30xx and later), TPUs always, and CPUs with
  AVX512_BF16 or AMX (Intel Cooper Lake, Sapphire Rapids and later; AMD Zen 4).
  Measured on such a CPU: the DCGAN step ran 389-401 images per CPU second in bfloat16
  against 270-282 in float32.
- float16 is what older GPUs have (Colab's T4 and V100, compute capability 7.x): fast,
  but the loss must be scaled so small gradients do not round to zero
  (`keras.optimizers.LossScaleOptimizer`, which kerasgan's models add themselves).
- A CPU without bf16 instructions emulates both, slower than float32: there it stays float32.

Example:

```python
from kerasgan.precision import choose_mixed_precision

choice = choose_mixed_precision()
print(choice.sentence())  # "Mixed precision: mixed_bfloat16, because this CPU has AVX512_BF16."
keras.mixed_precision.set_global_policy(choice.policy)
```
"""

import dataclasses
import sys

# Linux /proc/cpuinfo flags of CPUs that compute bfloat16 natively.
CPU_BFLOAT16_FLAGS = {"avx512_bf16": "AVX512_BF16", "amx_bf16": "AMX-BF16"}

# NVIDIA's first compute capability with bfloat16 tensor cores (Ampere).
GPU_BFLOAT16_CAPABILITY = (8, 0)


@dataclasses.dataclass(frozen=True)
class PrecisionChoice:
    """A dtype policy and the reason it was chosen.

    Args:
        policy: a `keras.mixed_precision` policy name: "mixed_bfloat16", "mixed_float16"
            or "float32".
        reason: why, in words, e.g. "this CPU has AVX512_BF16".
    """

    policy: str
    reason: str

    def sentence(self):
        if self.policy == "float32":
            return f"Mixed precision: staying in float32, because {self.reason}."
        return f"Mixed precision: {self.policy}, because {self.reason}."


def choose_policy(gpu_capabilities=(), cpu_flags=(), tpu=False):
    """The policy for the given hardware (a pure function, for tests and for reasoning).

    Args:
        gpu_capabilities: the (major, minor) compute capability of each GPU in use.
        cpu_flags: the CPU's feature flags, as /proc/cpuinfo spells them.
        tpu: training on a TPU.

    Returns:
        A `PrecisionChoice`.
    """
    if tpu:
        return PrecisionChoice("mixed_bfloat16", "TPUs compute in bfloat16")
    if gpu_capabilities:
        oldest = min(tuple(capability) for capability in gpu_capabilities)
        described = f"compute capability {oldest[0]}.{oldest[1]}"
        if oldest >= GPU_BFLOAT16_CAPABILITY:
            return PrecisionChoice("mixed_bfloat16", f"the GPU computes bfloat16 ({described})")
        return PrecisionChoice(
            "mixed_float16", f"the GPU computes float16 but not bfloat16 ({described}, before 8.0)"
        )
    found = [name for flag, name in CPU_BFLOAT16_FLAGS.items() if flag in set(cpu_flags)]
    if found:
        return PrecisionChoice("mixed_bfloat16", f"this CPU has {' and '.join(found)}")
    return PrecisionChoice(
        "float32", "this CPU has no bfloat16 instructions (AVX512_BF16 or AMX), so 16-bit compute would be slower"
    )


def choose_mixed_precision():
    """The policy for this machine: its GPUs if TensorFlow sees any, else its CPU.

    Returns:
        A `PrecisionChoice`; `choice.sentence()` says which and why.
    """
    import tensorflow as tf

    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        if capability:
            capabilities.append(tuple(capability))
    tpu = bool(tf.config.list_logical_devices("TPU"))
    return choose_policy(capabilities, cpu_flags(), tpu=tpu)


def cpu_flags():
    """The CPU's feature flags from /proc/cpuinfo (Linux, Colab); empty elsewhere.

    On other systems (macOS, Windows) the choice falls back to float32 on the CPU, which is
    never slower than emulated 16-bit arithmetic.
    """
    if not sys.platform.startswith("linux"):
        return set()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


__all__ = ["PrecisionChoice", "choose_policy", "choose_mixed_precision", "cpu_flags"]
