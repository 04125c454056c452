"""Reference numbers from NVIDIA's StyleGAN2 code, for kerasgan's conversion tests.

Builds StyleGAN2 networks with NVIDIA's own code (stylegan2-ada-pytorch, from a local
checkout you name) and its random initialisation, runs them, and writes one `.npz` per
layout holding everything a test needs to check kerasgan's conversion without PyTorch
and without NVIDIA's code:

- the networks' tensors (`G/...`, `D/...`, `G_ema/...`, as their state dicts name them),
- their constructor arguments (`kwargs/G`, `kwargs/D` as JSON),
- the inputs: z, the class labels (one-hot c), the truncation settings,
- NVIDIA's outputs: images at psi 1, psi 0.7 and psi 0.7 with a cutoff (noise mode
  "const": the stored noise buffers), the ws of each, and D's logits for the psi-1 images;
  and the images of seeds 85 and 265 with z drawn as NVIDIA's generate.py draws it.

Parameters NVIDIA initialises to zero (biases, noise strengths, the average w) are set to
small seeded random numbers, so that a mistake in how any of them is used shows in the
images. Every network runs in float32 (`force_fp32=True` for NVIDIA's float16 layers,
whose clamp to +-conv_clamp NVIDIA applies in float32 too); the layouts and code paths
are what the fixtures pin, so their channel counts are narrow and the files small.

Usage (a separate environment with PyTorch; CPU is enough, NVIDIA's custom ops fall back
to their reference implementations):

    python -m venv venv-torch && venv-torch/bin/pip install torch numpy click requests scipy pillow
    git clone https://github.com/NVlabs/stylegan2-ada-pytorch /tmp/nvidia
    venv-torch/bin/python tools/nvidia_reference.py --nvidia-repo /tmp/nvidia \
        --out tests/nvidia/fixtures

TensorFlow layouts (`TENSORFLOW_LAYOUTS`: `configf64`, NVlabs/stylegan2's config-f at 64 px, and
`ada32`, stylegan2-ada's conditional TensorFlow `cifar` layout; narrow channels both) go one
step further: the PyTorch networks are written as a TensorFlow pickle (G, D,
Gs of `dnnlib.tflib.network.Network` states) through kerasgan's inverse of NVIDIA's name
mapping (kerasgan/nvidia/tensorflow_layout.py, kerasgan/nvidia/writer.py; the kerasgan
checkout this script sits in is put on the path), NVIDIA's `legacy.load_network_pkl`
converts that file back, and the outputs recorded are those of NVIDIA's conversion. The
script checks that the conversion gives back the networks it started from (their outputs,
to float32 rounding) and stores the TensorFlow variables (`tf/G/...`, `tf/D/...`,
`tf/Gs/...`) and keyword arguments (`tf_kwargs/G`, `tf_kwargs/D`), not the PyTorch ones.

With `--loss` it also writes `loss32.npz`: one training step of NVIDIA's `StyleGAN2Loss`
(G main, path length, D main and R1 on the same weights, with the random draws the loss
used and the gradients of every parameter; see `make_loss_fixture`). `--layouts ''` with
`--loss` writes that file alone.

With `--pickle-dir DIR` it also writes NVIDIA's own pickles (`pickle.dump` of G, D, G_ema as
its training loop does), to check kerasgan's reader on real files by hand; those embed
NVIDIA's source code and are not committed.
"""

import argparse
import copy
import json
import os
import pickle
import sys
import tempfile

import numpy as np

# name: (generator kwargs, discriminator kwargs, batch, batch of the truncated images)
LAYOUTS = {
    # The `cifar` config: conditional, 2 mapping layers, no D residuals, minibatch-stddev
    # group 32, float16 in the top 4 resolutions with conv_clamp 256 (every resolution at 32 px).
    "cifar32": (
        dict(z_dim=32, c_dim=10, w_dim=32, img_resolution=32, img_channels=3,
             mapping_kwargs=dict(num_layers=2),
             synthesis_kwargs=dict(channel_base=1024, channel_max=32, num_fp16_res=4,
                                   conv_clamp=256)),
        dict(c_dim=10, img_resolution=32, img_channels=3, architecture="orig",
             channel_base=1024, channel_max=32, num_fp16_res=4, conv_clamp=256,
             epilogue_kwargs=dict(mbstd_group_size=32)),
        4, 4,
    ),
    # NVIDIA's defaults at 64 px: 8 mapping layers, residual D, group 4, float32 only.
    "plain64": (
        dict(z_dim=32, c_dim=0, w_dim=32, img_resolution=64, img_channels=3,
             mapping_kwargs=dict(num_layers=8),
             synthesis_kwargs=dict(channel_base=512, channel_max=32)),
        dict(c_dim=0, img_resolution=64, img_channels=3, channel_base=512, channel_max=32,
             epilogue_kwargs=dict(mbstd_group_size=4)),
        4, 4,
    ),
    # The `paper256` config: 8 mapping layers, group 8, float16 in the top 4 resolutions
    # (32 to 256 px) with conv_clamp 256.
    "paper256": (
        dict(z_dim=32, c_dim=0, w_dim=32, img_resolution=256, img_channels=3,
             mapping_kwargs=dict(num_layers=8),
             synthesis_kwargs=dict(channel_base=1024, channel_max=32, num_fp16_res=4,
                                   conv_clamp=256)),
        dict(c_dim=0, img_resolution=256, img_channels=3, channel_base=1024, channel_max=32,
             num_fp16_res=4, conv_clamp=256, epilogue_kwargs=dict(mbstd_group_size=8)),
        2, 1,
    ),
    # A clamp low enough to act on float32 activations: NVIDIA clamps whatever the dtype,
    # at conv_clamp * gain (the residual branches' sqrt(0.5) included).
    "clamp32": (
        dict(z_dim=16, c_dim=0, w_dim=16, img_resolution=32, img_channels=3,
             mapping_kwargs=dict(num_layers=2),
             synthesis_kwargs=dict(channel_base=256, channel_max=16, conv_clamp=0.5)),
        dict(c_dim=0, img_resolution=32, img_channels=3, channel_base=256, channel_max=16,
             conv_clamp=0.5, epilogue_kwargs=dict(mbstd_group_size=2)),
        2, 2,
    ),
}
# name: (PyTorch generator kwargs, PyTorch discriminator kwargs, the TensorFlow G's and D's
# static_kwargs that NVIDIA's conversion turns into those, batch, batch of the truncated images)
TENSORFLOW_LAYOUTS = {
    # NVlabs/stylegan2's config-f at 64 px, narrow: 8 mapping layers at learning-rate
    # multiplier 0.01, skip generator, residual discriminator, no float16, no clamp, and no
    # minibatch-stddev group stored (NVIDIA's conversion then groups the whole batch: the
    # batch of 8 tells that from a group of 4). Settings left at their defaults are not
    # stored, as config-f's pickles do not store them.
    "configf64": (
        dict(z_dim=32, c_dim=0, w_dim=32, img_resolution=64, img_channels=3,
             mapping_kwargs=dict(num_layers=8),
             synthesis_kwargs=dict(channel_base=512, channel_max=32)),
        dict(c_dim=0, img_resolution=64, img_channels=3, channel_base=512, channel_max=32,
             epilogue_kwargs=dict(mbstd_group_size=None)),
        dict(num_channels=3, resolution=64, label_size=0, latent_size=32, dlatent_size=32,
             mapping_fmaps=32, fmap_base=256, fmap_max=32, truncation_psi=0.5),
        dict(num_channels=3, resolution=64, label_size=0, fmap_base=256, fmap_max=32),
        8, 4,
    ),
    # stylegan2-ada's TensorFlow `cifar` layout, narrow: conditional (label embedding in G,
    # projection in D), 2 mapping layers in G and 8 in D (whose multiplier is 0.1 in
    # TensorFlow, 0.01 in the PyTorch code), 'orig' D with group 32, float16 flags and
    # conv_clamp 256.
    "ada32": (
        dict(z_dim=16, c_dim=10, w_dim=16, img_resolution=32, img_channels=3,
             mapping_kwargs=dict(num_layers=2),
             synthesis_kwargs=dict(channel_base=256, channel_max=16, num_fp16_res=4,
                                   conv_clamp=256)),
        dict(c_dim=10, img_resolution=32, img_channels=3, architecture="orig",
             channel_base=256, channel_max=16, num_fp16_res=4, conv_clamp=256,
             epilogue_kwargs=dict(mbstd_group_size=32)),
        dict(num_channels=3, resolution=32, label_size=10, latent_size=16, dlatent_size=16,
             mapping_layers=2, fmap_base=128, fmap_max=16, num_fp16_res=4, conv_clamp=256),
        dict(num_channels=3, resolution=32, label_size=10, architecture="orig",
             mapping_layers=8, fmap_base=128, fmap_max=16, num_fp16_res=4, conv_clamp=256,
             mbstd_group_size=32),
        4, 4,
    ),
}
TRUNCATION_PSI = 0.7
TRUNCATION_CUTOFF = 4
SEEDS = (85, 265)  # the seeds of NVIDIA's README
SEED_CLASS = 3


def perturb_zero_initialised(module, generator):
    """Gives the parameters NVIDIA starts at zero (or one) small random values, seeded."""
    import torch

    with torch.no_grad():
        for name, tensor in module.named_parameters():
            if name.endswith("bias") or name.endswith("noise_strength"):
                tensor.add_(0.1 * torch.randn(tensor.shape, generator=generator))
        for name, tensor in module.named_buffers():
            if name.endswith("w_avg"):
                tensor.copy_(0.5 * torch.randn(tensor.shape, generator=generator))


def state_arrays(prefix, module):
    """Every parameter and buffer of a module as float32 NumPy arrays, keyed `prefix/name`."""
    arrays = {}
    for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
        arrays[f"{prefix}/{name}"] = tensor.detach().cpu().numpy().astype(np.float32)
    return arrays


def seeded_networks(g_kwargs, d_kwargs, seed):
    """(G, D, the seeded torch generator that drew their perturbations), in eval mode."""
    import torch
    from training import networks

    torch.manual_seed(seed)
    generator_module = networks.Generator(**copy.deepcopy(g_kwargs)).eval()
    discriminator = networks.Discriminator(**copy.deepcopy(d_kwargs)).eval()
    numbers = torch.Generator().manual_seed(seed + 1)
    perturb_zero_initialised(generator_module, numbers)
    perturb_zero_initialised(discriminator, numbers)
    return generator_module, discriminator, numbers


def make_networks(g_kwargs, d_kwargs, seed):
    """G, D and G_ema built by NVIDIA's code, seeded, with no parameter left at zero."""
    import torch

    generator_module, discriminator, numbers = seeded_networks(g_kwargs, d_kwargs, seed)
    # G_ema: a copy of G with its own (slightly different) weights, as after training.
    generator_ema = copy.deepcopy(generator_module).eval()
    with torch.no_grad():
        for tensor in generator_ema.parameters():
            tensor.add_(0.05 * torch.randn(tensor.shape, generator=numbers))
    return generator_module, discriminator, generator_ema


def record_outputs(generator_module, discriminator, generator_ema, g_kwargs, batch,
                   truncated_batch, seed):
    """NVIDIA's outputs of the three networks (and the inputs they were given), as arrays."""
    import torch

    rng = np.random.RandomState(seed)
    z = rng.randn(batch, g_kwargs["z_dim"]).astype(np.float32)
    labels = np.arange(batch) % max(g_kwargs["c_dim"], 1)
    c = np.zeros((batch, g_kwargs["c_dim"]), np.float32)
    if g_kwargs["c_dim"]:
        c[np.arange(batch), labels] = 1.0
    z_t, c_t = torch.from_numpy(z), torch.from_numpy(c)

    outputs = {}
    with torch.no_grad():
        settings = {
            "psi1": dict(truncation_psi=1.0),
            "psi07": dict(truncation_psi=TRUNCATION_PSI),
            "psi07_cutoff": dict(truncation_psi=TRUNCATION_PSI,
                                 truncation_cutoff=TRUNCATION_CUTOFF),
        }
        for key, truncation in settings.items():
            count = batch if key == "psi1" else truncated_batch
            ws = generator_ema.mapping(z_t[:count], c_t[:count], **truncation)
            images = generator_ema.synthesis(ws, noise_mode="const", force_fp32=True)
            outputs[f"ws_{key}"] = ws.numpy()
            outputs[f"images_{key}"] = images.permute(0, 2, 3, 1).numpy()  # NHWC, as kerasgan
        # D judges G_ema's psi-1 images (NCHW for NVIDIA).
        images = torch.from_numpy(outputs["images_psi1"]).permute(0, 3, 1, 2).contiguous()
        outputs["d_logits"] = discriminator(images, c_t, force_fp32=True).numpy()
        # G (not only G_ema) converts too: its psi-1 images.
        g_images = generator_module(z_t[:truncated_batch], c_t[:truncated_batch],
                                    noise_mode="const", force_fp32=True)
        outputs["g_images_psi1"] = g_images.permute(0, 2, 3, 1).numpy()
        # Seeds as NVIDIA's generate.py turns them into z (one RandomState per seed), drawn
        # at psi 1 (of class SEED_CLASS where the network is conditional): what
        # `kerasgan generate --seeds` must draw.
        seed_z = torch.from_numpy(np.concatenate(
            [np.random.RandomState(seed).randn(1, g_kwargs["z_dim"]) for seed in SEEDS]
        ).astype(np.float32))
        seed_c = torch.zeros((len(SEEDS), g_kwargs["c_dim"]))
        if g_kwargs["c_dim"]:
            seed_c[:, SEED_CLASS] = 1.0
        seed_images = generator_ema(seed_z, seed_c, truncation_psi=1.0, noise_mode="const",
                                    force_fp32=True)
        outputs["images_seeds"] = seed_images.permute(0, 2, 3, 1).numpy()

    return {
        **{f"out/{key}": value.astype(np.float32) for key, value in outputs.items()},
        "in/z": z,
        "in/c": c,
        "in/labels": labels.astype(np.int32),
        "in/truncation_psi": np.float32(TRUNCATION_PSI),
        "in/truncation_cutoff": np.int32(TRUNCATION_CUTOFF),
        "in/seeds": np.array(SEEDS, np.int32),
        "in/seed_class": np.int32(SEED_CLASS),
    }


def make_layout(name, seed):
    g_kwargs, d_kwargs, batch, truncated_batch = LAYOUTS[name]
    networks_made = make_networks(g_kwargs, d_kwargs, seed)
    arrays = {
        **state_arrays("G", networks_made[0]),
        **state_arrays("D", networks_made[1]),
        **state_arrays("G_ema", networks_made[2]),
        **record_outputs(*networks_made, g_kwargs, batch, truncated_batch, seed),
        "kwargs/G": np.array(json.dumps(g_kwargs)),
        "kwargs/D": np.array(json.dumps(d_kwargs)),
    }
    return arrays, dict(zip(("G", "D", "G_ema"), networks_made))


def make_tensorflow_layout(name, seed, folder):
    """A TensorFlow pickle of NVIDIA-built networks, converted back by NVIDIA's legacy.py."""
    import legacy

    # kerasgan's writer, from the checkout this script is in (after NVIDIA's, which wins).
    sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from kerasgan.nvidia.tensorflow_layout import tensorflow_variables
    from kerasgan.nvidia.writer import write_tensorflow_pickle

    g_kwargs, d_kwargs, tf_g_kwargs, tf_d_kwargs, batch, truncated_batch = (
        TENSORFLOW_LAYOUTS[name])
    made = dict(zip(("G", "D", "Gs"), make_networks(g_kwargs, d_kwargs, seed)))

    def state(module):
        return {key: value.detach().numpy() for key, value in
                list(module.named_parameters()) + list(module.named_buffers())}

    tensorflow = {
        "G": (tf_g_kwargs, tensorflow_variables("G", tf_g_kwargs, state(made["G"]))),
        "D": (tf_d_kwargs, tensorflow_variables("D", tf_d_kwargs, state(made["D"]))),
        "Gs": (tf_g_kwargs, tensorflow_variables("G", tf_g_kwargs, state(made["Gs"]))),
    }
    path = os.path.join(folder, f"{name}-tensorflow.pkl")
    write_tensorflow_pickle(path, tensorflow)
    with open(path, "rb") as file:
        converted = legacy.load_network_pkl(file)
    # NVIDIA's conversion must give back the networks the pickle was made from: the same
    # tensors (but where TensorFlow's learning-rate multipliers rescale them) and outputs.
    for ours, theirs in (("G", "G"), ("D", "D"), ("Gs", "G_ema")):
        expected, found = state(made[ours]), state(converted[theirs])
        assert set(expected) == set(found), (ours, set(expected) ^ set(found))
        different = sorted(key for key in expected if np.abs(expected[key] - found[key]).max()
                           > 1e-6 * max(1.0, float(np.abs(expected[key]).max())))
        print(f"{name} {ours}: tensors NVIDIA's conversion changed: {different or 'none'}")
    outputs = record_outputs(converted["G"].eval(), converted["D"].eval(),
                             converted["G_ema"].eval(), g_kwargs, batch, truncated_batch, seed)
    originals = record_outputs(made["G"], made["D"], made["Gs"], g_kwargs, batch,
                               truncated_batch, seed)
    for key, value in outputs.items():
        if key.startswith("out/"):
            difference = float(np.abs(value - originals[key]).max())
            print(f"{name} {key}: NVIDIA's converted networks vs the originals: {difference:.2e}")
            assert difference < 1e-4, key
    arrays = {**outputs,
              "tf_kwargs/G": np.array(json.dumps(tf_g_kwargs)),
              "tf_kwargs/D": np.array(json.dumps(tf_d_kwargs))}
    for network, (unused_kwargs, variables) in tensorflow.items():
        arrays.update({f"tf/{network}/{key}": value for key, value in variables.items()})
    return arrays, path


# Full-width generators for bench/stylegan2.py's "converted" part: name: (kwargs, size).
FULL_GENERATORS = {
    "paper256": dict(z_dim=512, c_dim=0, w_dim=512, img_resolution=256, img_channels=3,
                     mapping_kwargs=dict(num_layers=8),
                     synthesis_kwargs=dict(channel_base=16384, channel_max=512, conv_clamp=256)),
    "stylegan2": dict(z_dim=512, c_dim=0, w_dim=512, img_resolution=1024, img_channels=3,
                      mapping_kwargs=dict(num_layers=8),
                      synthesis_kwargs=dict(channel_base=32768, channel_max=512)),
}


def time_generator(name, batch, repeats, state_path, seed):
    """Times NVIDIA's generator on this CPU; saves its weights, z and images for kerasgan."""
    import time

    import torch
    from training import networks

    kwargs = FULL_GENERATORS[name]
    torch.manual_seed(seed)
    generator = networks.Generator(**copy.deepcopy(kwargs)).eval()
    z = np.random.RandomState(seed).randn(batch, kwargs["z_dim"]).astype(np.float32)
    c = torch.zeros((batch, 0))

    def draw():
        with torch.no_grad():
            return generator(torch.from_numpy(z), c, noise_mode="const", force_fp32=True)

    images = draw()  # the first call warms up, as on kerasgan's side
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        draw()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    np.savez(state_path, **state_arrays("G", generator), z=z,
             images=images.permute(0, 2, 3, 1).numpy(), kwargs=np.array(json.dumps(kwargs)))
    print(json.dumps(dict(images_per_cpu_second=batch * repeats / cpu,
                          images_per_wall_second=batch * repeats / wall,
                          threads=torch.get_num_threads(), torch=torch.__version__)))



# ------------------------------------------------------------------ the training step's losses

# A small conditional 32 px pair (residual D, 2 mapping layers, float32 only), the batch of
# the step, and StyleGAN2Loss's settings (its defaults; gamma 10 so that R1 weighs).
LOSS_NETWORKS = (
    dict(z_dim=16, c_dim=4, w_dim=16, img_resolution=32, img_channels=3,
         mapping_kwargs=dict(num_layers=2),
         synthesis_kwargs=dict(channel_base=256, channel_max=8)),
    dict(c_dim=4, img_resolution=32, img_channels=3, channel_base=256, channel_max=8,
         mapping_kwargs=dict(num_layers=2), epilogue_kwargs=dict(mbstd_group_size=4)),
)
LOSS_BATCH = 4
LOSS_SETTINGS = dict(style_mixing_prob=0.9, r1_gamma=10.0, pl_batch_shrink=2, pl_decay=0.01,
                     pl_weight=2.0)
LOSS_INTERVALS = dict(Gmain=1, Greg=4, Dmain=1, Dreg=16)  # the phases' gains, as in training
# Per phase that draws fakes: (the style-mixing cutoff layer drawn, the uniform number drawn):
# mixing happens when the number is under style_mixing_prob (Dmain's fakes are not mixed).
LOSS_MIXING = dict(Gmain=(3, 0.2), Greg=(5, 0.6), Dmain=(2, 0.95))
PATH_LENGTH_MEAN_BEFORE = 0.3


def _scripted_torch(draws, generator):
    """A stand-in for the `torch` module that NVIDIA's loss module sees.

    It hands the loss our scripted style-mixing draws (cutoff, uniform number) in turn,
    draws every `randn_like` (the mixing z and the path length noise) from a seeded
    generator, and records what it handed out, phase by phase, in `draws["log"]`.
    """
    import types

    import torch

    class ScriptedCutoff:
        def random_(self, low, high):
            cutoff, _ = draws["mixing"][draws["phase"]]
            if not low <= cutoff < high:
                raise ValueError(f"cutoff {cutoff} is outside [{low}, {high})")
            return torch.tensor(cutoff, dtype=torch.int64)

    def empty(*unused, **unused_options):
        return ScriptedCutoff()

    def rand(*unused, **unused_options):
        return torch.tensor(draws["mixing"][draws["phase"]][1])

    def randn_like(tensor):
        drawn = torch.randn(tensor.shape, generator=generator, dtype=tensor.dtype)
        draws["log"].setdefault(draws["phase"], []).append(drawn.clone())
        return drawn

    stand_in = types.SimpleNamespace(**{name: getattr(torch, name) for name in dir(torch)
                                        if not name.startswith("__")})
    stand_in.empty, stand_in.rand, stand_in.randn_like = empty, rand, randn_like
    return stand_in


def _recorded_reports(log):
    """A stand-in for NVIDIA's training_stats: keeps every value the loss reports."""
    import types

    def report(name, value):
        log[name] = value.detach().clone()
        return value

    return types.SimpleNamespace(report=report)


def make_loss_fixture(seed):
    """NVIDIA's StyleGAN2Loss on one step: its losses, gradients and random draws.

    From one seeded G and D (their zero-initialised parameters perturbed as above), each
    phase of NVIDIA's training step (Gmain, Greg: path length, Dmain, Dreg: R1) runs once on
    the same weights with its gain (the phase's interval), augmentation off; the gradients
    of the phase's network (G for G phases, D for D phases) and the values the loss
    reports are recorded, with the draws it used: the z of each phase, the second z and
    cutoff of style mixing, the path length noise, and pl_mean before and after. The file
    holds G and D (no G_ema: the step does not use it).
    """
    import torch
    from training import loss as nvidia_loss

    g_kwargs, d_kwargs = LOSS_NETWORKS
    generator_module, discriminator, _ = seeded_networks(g_kwargs, d_kwargs, seed)
    generator_module.train()  # as in training (the networks compute the same either way)
    discriminator.train()

    class ConstantNoiseSynthesis(torch.nn.Module):
        """NVIDIA's synthesis network with its stored noise images (noise mode "const").

        The loss calls the synthesis with fresh random noise; the step is compared with the
        noise buffers instead, which kerasgan's converted network holds too, so both sides
        add the same noise images.
        """

        def __init__(self, synthesis):
            super().__init__()
            self.synthesis = synthesis

        def forward(self, ws):
            return self.synthesis(ws, noise_mode="const")

    rng = np.random.RandomState(seed)
    batch = LOSS_BATCH
    reals = np.tanh(rng.randn(batch, 3, 32, 32)).astype(np.float32)
    labels = (np.arange(batch) + 1) % g_kwargs["c_dim"]
    c = np.zeros((batch, g_kwargs["c_dim"]), np.float32)
    c[np.arange(batch), labels] = 1.0
    phase_z = {phase: rng.randn(batch, g_kwargs["z_dim"]).astype(np.float32)
               for phase in ("Gmain", "Greg", "Dmain")}

    loss = nvidia_loss.StyleGAN2Loss(
        "cpu", generator_module.mapping, ConstantNoiseSynthesis(generator_module.synthesis),
        discriminator, augment_pipe=None, **LOSS_SETTINGS)
    loss.pl_mean.fill_(PATH_LENGTH_MEAN_BEFORE)
    draws = dict(mixing=LOSS_MIXING, phase=None, log={})
    reports = {}
    original_torch, original_stats = nvidia_loss.torch, nvidia_loss.training_stats
    nvidia_loss.torch = _scripted_torch(draws, torch.Generator().manual_seed(seed + 2))
    nvidia_loss.training_stats = _recorded_reports(reports)
    arrays = {}
    try:
        for phase, gain in LOSS_INTERVALS.items():
            network, prefix = ((generator_module, "G") if phase.startswith("G")
                               else (discriminator, "D"))
            # As NVIDIA's training loop: only the phase's network collects gradients.
            generator_module.requires_grad_(network is generator_module)
            discriminator.requires_grad_(network is discriminator)
            for parameter in network.parameters():
                parameter.grad = None
            draws["phase"] = phase
            reports.clear()
            if phase == "Greg":
                arrays["in/pl_mean_before"] = loss.pl_mean.numpy().astype(np.float32).copy()
            gen_z = torch.from_numpy(phase_z.get(phase, phase_z["Gmain"]))
            loss.accumulate_gradients(phase, torch.from_numpy(reals), torch.from_numpy(c),
                                      gen_z, torch.from_numpy(c), sync=True, gain=gain)
            if phase == "Greg":
                arrays["out/pl_mean_after"] = loss.pl_mean.numpy().astype(np.float32).copy()
            for name, parameter in network.named_parameters():
                gradient = (torch.zeros_like(parameter) if parameter.grad is None
                            else parameter.grad)
                arrays[f"grad/{phase}/{prefix}/{name}"] = gradient.numpy().astype(np.float32)
            for name, value in reports.items():
                key = name.replace("Loss/", "").replace("/", "_")
                arrays[f"out/{phase}/{key}"] = value.numpy().astype(np.float32)
    finally:
        nvidia_loss.torch, nvidia_loss.training_stats = original_torch, original_stats

    for phase, (cutoff, uniform) in LOSS_MIXING.items():
        arrays[f"in/{phase}/z"] = phase_z[phase]
        other_z, *rest = draws["log"][phase]
        arrays[f"in/{phase}/mixing_z"] = other_z.numpy()
        num_ws = generator_module.num_ws
        mixes = uniform < LOSS_SETTINGS["style_mixing_prob"]
        arrays[f"in/{phase}/cutoff"] = np.int32(cutoff if mixes else num_ws)
        if rest:  # the path length noise, NHWC as kerasgan's images
            arrays[f"in/{phase}/path_length_noise"] = rest[0].permute(0, 2, 3, 1).numpy()
    arrays.update({
        **state_arrays("G", generator_module),
        **state_arrays("D", discriminator),
        "in/reals": reals.transpose(0, 2, 3, 1).copy(),  # NHWC
        "in/c": c,
        "in/labels": labels.astype(np.int32),
        "in/intervals": np.array(json.dumps(LOSS_INTERVALS)),
        "in/settings": np.array(json.dumps(LOSS_SETTINGS)),
        "kwargs/G": np.array(json.dumps(g_kwargs)),
        "kwargs/D": np.array(json.dumps(d_kwargs)),
    })
    return arrays


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nvidia-repo", required=True,
                        help="a local checkout of NVlabs/stylegan2-ada-pytorch")
    parser.add_argument("--out", required=True, help="folder for the .npz files")
    parser.add_argument("--layouts", default=",".join([*LAYOUTS, *TENSORFLOW_LAYOUTS]),
                        help=f"comma-separated, of {', '.join([*LAYOUTS, *TENSORFLOW_LAYOUTS])}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pickle-dir", default=None,
                        help="also write NVIDIA's own pickles here (not for committing)")
    parser.add_argument("--loss", action="store_true",
                        help="also write loss32.npz: one training step of NVIDIA's StyleGAN2Loss "
                             "(losses, gradients, random draws); --layouts '' for it alone")
    parser.add_argument("--time-generator", choices=sorted(FULL_GENERATORS), default=None,
                        help="instead: time NVIDIA's full-width generator (bench/stylegan2.py); "
                             "--out is then the .npz of its weights, z and images")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    if not os.path.isfile(os.path.join(args.nvidia_repo, "training", "networks.py")):
        parser.error(f"{args.nvidia_repo} is not a stylegan2-ada-pytorch checkout "
                     "(no training/networks.py).")
    sys.path.insert(0, os.path.abspath(args.nvidia_repo))
    if args.time_generator:
        time_generator(args.time_generator, args.batch, args.repeats, args.out, args.seed)
        return
    os.makedirs(args.out, exist_ok=True)
    if args.loss:
        path = os.path.join(args.out, "loss32.npz")
        np.savez_compressed(path, **make_loss_fixture(args.seed))
        print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB")
    for name in filter(None, args.layouts.split(",")):
        if name in TENSORFLOW_LAYOUTS:
            # The TensorFlow pickle holds only numbers and placeholders: it may be kept.
            folder = args.pickle_dir or tempfile.mkdtemp()
            os.makedirs(folder, exist_ok=True)
            arrays, pickle_path = make_tensorflow_layout(name, args.seed, folder)
            path = os.path.join(args.out, f"{name}.npz")
            np.savez_compressed(path, **arrays)
            print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB "
                  f"(TensorFlow pickle: {pickle_path})")
            continue
        arrays, networks_made = make_layout(name, args.seed)
        path = os.path.join(args.out, f"{name}.npz")
        np.savez_compressed(path, **arrays)
        print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB")
        if args.pickle_dir:
            os.makedirs(args.pickle_dir, exist_ok=True)
            with open(os.path.join(args.pickle_dir, f"{name}.pkl"), "wb") as file:
                pickle.dump(dict(networks_made, augment_pipe=None,
                                 training_set_kwargs=None), file)


if __name__ == "__main__":
    main()
