"""Helpers the probes share inside the grading child (standalone: no kerasgan import).

Probes turn whatever a student's function returns (a tensor, a NumPy array, a
Python float, a tuple) into NumPy arrays, and measure how each network's
weights moved during one step. Arrays only: the grader decides what they mean.
"""

import numpy as np


def prepare(request):
    """Imports TensorFlow in the child and makes its kernels deterministic."""
    import tensorflow as tf

    # Same seed, same numbers: the determinism check compares two runs bit for bit.
    tf.config.experimental.enable_op_determinism()


def before_each(request):
    """Every probe starts from the same random state, so its result does not depend on order."""
    import keras

    keras.utils.set_random_seed(int(request["seed"]))


def tensors(*arrays):
    """The arrays as TensorFlow tensors, as a tf.data pipeline would hand them to a student.

    Keras refuses a list input that mixes tensors and NumPy arrays
    (`generator([latents, labels])` with a tensor and an array), so everything
    the probes pass in is a tensor.
    """
    import tensorflow as tf

    converted = [tf.convert_to_tensor(array) for array in arrays]
    return converted[0] if len(converted) == 1 else converted


def to_numpy(value):
    """A NumPy array from a tensor, a variable, an array or a Python number."""
    import keras

    if isinstance(value, (list, tuple)):
        raise TypeError(f"expected one tensor, got a {type(value).__name__} of {len(value)} values")
    if isinstance(value, dict):
        raise TypeError(f"expected one tensor, got a dict with keys {sorted(value)}")
    if hasattr(value, "numpy") or hasattr(value, "shape"):
        return np.asarray(keras.ops.convert_to_numpy(value))
    return np.asarray(value)


def make_optimizer(request):
    """The optimizer the assignment prescribes (Adam with the DCGAN settings by default)."""
    import keras

    return keras.optimizers.Adam(
        learning_rate=float(request["learning_rate"]), beta_1=float(request["beta_1"])
    )


def weights_of(network):
    """Copies of a network's trainable weights (student networks must be keras.Model objects)."""
    variables = getattr(network, "trainable_variables", None)
    if variables is None:
        raise TypeError(
            f"expected a keras.Model, got {type(network).__name__}: return the model itself"
        )
    return [np.array(variable.numpy(), copy=True) for variable in variables]


def weight_changes(before, network):
    """Largest absolute change of each trainable weight since `before` (one number per variable)."""
    after = weights_of(network)
    if len(after) != len(before):
        return np.full(max(len(after), 1), np.inf)
    changes = [float(np.max(np.abs(a - b))) if a.size else 0.0 for a, b in zip(after, before)]
    return np.asarray(changes if changes else [0.0], dtype=np.float64)


def step_probe(step_name, networks_and_arguments):
    """A probe that calls the student's `step_name` once and records what it changed.

    Every assignment's two update steps are probed the same way: fresh networks,
    one call with the optimizer the assignment prescribes, then the step's loss
    and how far each network's weights moved (the grader expects the trained
    network to move and the other to stay exactly as it was).

    Args:
        step_name: "discriminator_step" or "generator_step".
        networks_and_arguments: `(student, inputs, request, step_name) -> (generator,
            discriminator, arguments)`: the assignment's fresh networks and the tensors
            the step takes after the two networks and the optimizer.
    """

    def probe(student, inputs, request, record):
        generator, discriminator, arguments = networks_and_arguments(
            student, inputs, request, step_name
        )
        optimizer = make_optimizer(request)
        generator_before, discriminator_before = weights_of(generator), weights_of(discriminator)
        loss = getattr(student, step_name)(generator, discriminator, optimizer, *arguments)
        record("loss", to_numpy(loss))
        record("generator_changes", weight_changes(generator_before, generator))
        record("discriminator_changes", weight_changes(discriminator_before, discriminator))

    return probe


def training_probe(train, outputs_key, outputs, also=None):
    """The probe of the short training run: its losses, and what the trained generator makes.

    Args:
        train: `train(student, inputs, request, steps, compile)` -> (generator, d_losses,
            g_losses, traced): the assignment's training run (see `run_training`).
        outputs_key: the name the generator's outputs are recorded under.
        outputs: `outputs(generator, inputs, request)` -> array: what the grader judges.
        also: `also(generator, inputs, request, record)`, more probes of the trained
            generator (the replay check's samples), or None.
    """

    def probe(student, inputs, request, record):
        generator, d_losses, g_losses, traced = train(
            student, inputs, request, int(request["training_steps"])
        )
        record("d_losses", d_losses)
        record("g_losses", g_losses)
        record("traced", np.asarray(traced))
        record(outputs_key, outputs(generator, inputs, request))
        if also is not None:
            also(generator, inputs, request, record)

    return probe


# The student function each GAN probe judges, when it calls only that one: if the probe
# fails, the later probes call a stand-in for it (see harness.py and stand_ins.py).
GAN_PROBE_FUNCTIONS = {
    "generator": "make_generator",
    "discriminator": "make_discriminator",
    "discriminator_step": "discriminator_step",
    "generator_step": "generator_step",
}


def gan_probes(generator, discriminator, losses, networks_and_arguments, training, determinism):
    """The probes of a GAN assignment, named and in the order the grader reads them.

    Args:
        generator, discriminator, losses: the probes of the student's three functions.
        networks_and_arguments: what `step_probe` needs to call the two update steps.
        training, determinism: the probes of the short run (`training_probe`,
            `determinism_probe` made with the assignment's `train`).
    """
    return [
        ("generator", generator),
        ("discriminator", discriminator),
        ("losses", losses),
        ("discriminator_step", step_probe("discriminator_step", networks_and_arguments)),
        ("generator_step", step_probe("generator_step", networks_and_arguments)),
        ("training", training),
        ("determinism", determinism),
    ]


def determinism_probe(train, samples):
    """The probe of determinism: two short runs from one seed, both recorded to be compared.

    Args:
        train: as in `training_probe`.
        samples: `samples(generator, inputs, request)` -> array, from each run's generator.
    """

    def probe(student, inputs, request, record):
        import keras

        steps = int(request["determinism_steps"])
        for run in ("first", "second"):
            keras.utils.set_random_seed(int(request["seed"]))
            generator, d_losses, g_losses, _ = train(student, inputs, request, steps, compile=False)
            record(f"{run}_losses", np.stack([d_losses, g_losses]))
            record(f"{run}_samples", samples(generator, inputs, request))

    return probe


# How far the latents of the replay probe are nudged, and the keyframe pairs and steps of its walks.
REPLAY_NUDGE, REPLAY_PAIRS, REPLAY_STEPS = 0.01, 8, 9


def replay_probe(draw, inputs, request, record):
    """Samples near the first evaluation latents, for the grader's replay check (grading/replay.py).

    The first 64 evaluation latents nudged a little, and straight walks between
    pairs of them: a generator is continuous in z, a table looked up by z is not.
    They are drawn in one shuffled batch, so they look like any other latents.

    Args:
        draw: `draw(latents, labels)` -> images as a NumPy array, from the trained generator
            (an unconditional assignment ignores the labels).
    """
    latents, labels = inputs["evaluation_latents"][:64], inputs["evaluation_labels"][:64]
    random = np.random.default_rng(int(request["seed"]) + 1)
    nudged = latents + REPLAY_NUDGE * random.standard_normal(latents.shape).astype(np.float32)
    fractions = np.linspace(0.0, 1.0, REPLAY_STEPS, dtype=np.float32)[:, None]
    starts, ends = latents[:REPLAY_PAIRS], latents[REPLAY_PAIRS : 2 * REPLAY_PAIRS]
    walks = [start + fractions * (end - start) for start, end in zip(starts, ends)]
    walk_labels = np.repeat(labels[:REPLAY_PAIRS], REPLAY_STEPS)
    batch = np.concatenate([nudged, *walks]).astype(np.float32)
    batch_labels = np.concatenate([labels, walk_labels])
    order = random.permutation(len(batch))
    shuffled = draw(batch[order], batch_labels[order])
    drawn = np.empty_like(shuffled)
    drawn[order] = shuffled
    record("replay_nudged", drawn[: len(latents)])
    record("replay_nudged_latents", nudged)
    record("replay_walks", drawn[len(latents) :].reshape(REPLAY_PAIRS, REPLAY_STEPS, *drawn.shape[1:]))


def images_in_range(images):
    """float32 images in [-1, 1] from uint8 pixels, with a channel axis."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    return images.astype(np.float32) / 127.5 - 1.0


def guard(student, step_name, protected):
    """`student.step_name`, but restoring the weights of the network it must not change.

    The training run checks what training achieves (falling losses, samples,
    determinism). A step that changes the other network is a mistake the step
    checks already count; undoing it here keeps one mistake from costing the
    points of the training checks too. train_step calls the steps through the
    module, so replacing the module's attribute is enough.

    Args:
        student: the submission's module.
        step_name: "discriminator_step" or "generator_step".
        protected: position of the network to keep in the step's arguments
            (0: the generator, 1: the discriminator).
    """
    import inspect

    import tensorflow as tf

    original = getattr(student, step_name)
    original = getattr(original, "unguarded", original)  # never guard twice
    parameters = list(inspect.signature(original).parameters)

    def guarded(*args, **kwargs):
        if len(args) > protected:
            network = args[protected]
        else:
            network = kwargs.get(parameters[protected]) if len(parameters) > protected else None
        variables = list(getattr(network, "trainable_variables", []))
        saved = [tf.identity(variable) for variable in variables]
        result = original(*args, **kwargs)
        for variable, value in zip(variables, saved):
            variable.assign(value)
        return result

    guarded.unguarded = original
    return guarded


def two_losses(result):
    """(d_loss, g_loss) as floats from what a student's train_step returned."""
    if isinstance(result, dict):
        if not all(key in result for key in ("d_loss", "g_loss")):
            raise TypeError(
                f"train_step returned a dict with keys {sorted(result)}; return (d_loss, g_loss)"
            )
        result = (result["d_loss"], result["g_loss"])
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"train_step returned {type(result).__name__}; return (d_loss, g_loss)")
    return float(np.mean(to_numpy(result[0]))), float(np.mean(to_numpy(result[1])))


def run_training(student, generator, discriminator, request, next_batch, steps, compile=True):
    """The short training run every assignment grades: the student's train_step, `steps` times.

    The step is compiled with tf.function when it can be (about 3x faster); a
    train_step that cannot be traced (it calls .numpy(), say) runs eagerly, as
    do the few steps of the determinism probe (tracing would cost more than they do).

    Args:
        student: the submission's module.
        generator, discriminator: the student's networks, freshly built.
        request: the grader's settings (the optimizer's).
        next_batch: called once per step; returns the tensors train_step takes after the
            two networks and two optimizers (real images, then labels or latents).
        steps: how many steps.
        compile: try tf.function first.

    Returns:
        (d_losses, g_losses, traced): one loss of each per step, and whether it was compiled.
    """
    import tensorflow as tf

    generator_optimizer, discriminator_optimizer = make_optimizer(request), make_optimizer(request)
    student.discriminator_step = guard(student, "discriminator_step", protected=0)
    student.generator_step = guard(student, "generator_step", protected=1)
    compiled = tf.function(student.train_step)
    traced = compile
    d_losses, g_losses = [], []
    for step in range(steps):
        arguments = [generator, discriminator, generator_optimizer, discriminator_optimizer]
        arguments += next_batch()
        if traced:
            try:
                result = compiled(*arguments)
            except Exception:
                if step > 0:
                    raise
                traced = False  # not traceable: run the student's function as it is
        if not traced:
            result = student.train_step(*arguments)
        d_loss, g_loss = two_losses(result)
        d_losses.append(d_loss)
        g_losses.append(g_loss)
    return np.asarray(d_losses), np.asarray(g_losses), traced
