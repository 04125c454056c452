"""What is done with a saved generator: one module per model family, one table.

A snapshot (`generator-000010.keras`) is a plain Keras model. What the commands do
with it (sample, write, walk, project, export, run live, evaluate) depends on the
family that made it, and each family says so in its own module, behind the one small
interface of `interface.py`:

```
snapshots/
  __init__.py      FAMILIES (the table), load, family_of, register_layers
  interface.py     SnapshotFamily: the interface, with defaults for a z -> image generator
  dcgan.py         DCGAN: z -> image
  cgan.py          conditional GAN: [z, label] -> image; class grids and class morphs
  stylegan2.py     StyleGAN2: z [+ label] -> w -> image; truncation, style mixing, W walks
  pix2pix.py       pix2pix: picture -> picture; live, export
  cyclegan.py      CycleGAN: picture -> picture (generator_a2b / generator_b2a)
  sampling.py      shared: loading, seeds, latents, labels, walks (slerp, lerp)
  latent.py        shared: the grids, per-seed images and walks of latent families
  projection.py    shared: the search for a latent (DCGAN, cGAN); stylegan2_projection.py in W
  stylegan2_sampling.py  StyleGAN2's sampling in W
  export.py        SavedModel and TFLite files of any generator
  live.py          a picture -> picture generator on a webcam or a video
```

How a snapshot's family is known: every snapshot a run folder writes ends in a
`FamilyRecord` layer (kerasgan/models/layers.py) that names it. A snapshot written
before that layer existed is recognised once, here (`family_of`), from the registered
layer classes it is built of (a StyleGAN2 mapping network, CycleGAN's reflection
padding, ...): never from its file's text.

A new family: its model in `models/`, its recipe in `training/recipes/` (a row in
`RECIPES`), a module here whose `FAMILY` is a `SnapshotFamily` and a row in `FAMILIES`
under the same name.

This package sits above `models/` and below `training/` and the commands: it imports
no trainer, data pipeline or command code at the top of a module.
"""

import importlib

# Family name (as in the recipe table and the snapshot's FamilyRecord) -> its module.
FAMILIES = {
    "dcgan": "kerasgan.snapshots.dcgan",
    "cgan": "kerasgan.snapshots.cgan",
    "pix2pix": "kerasgan.snapshots.pix2pix",
    "stylegan2": "kerasgan.snapshots.stylegan2",
    "cyclegan": "kerasgan.snapshots.cyclegan",
}

# The modules that register the layers kerasgan's snapshots are built of.
LAYER_MODULES = [
    "kerasgan.models.layers",
    "kerasgan.models.stylegan2_networks",
]


def family(name):
    """The `SnapshotFamily` of a family name ("dcgan", ...), or one sentence listing them."""
    if name not in FAMILIES:
        raise ValueError(f"Unknown model family {name!r}: kerasgan knows {', '.join(FAMILIES)}.")
    return importlib.import_module(FAMILIES[name]).FAMILY


def all_families():
    """Every family in the table, in its order."""
    return [family(name) for name in FAMILIES]


def register_layers():
    """Makes every layer of every family loadable by `keras.models.load_model`."""
    for module in LAYER_MODULES:
        importlib.import_module(module)


def family_name(model):
    """The family name a model records, or that its layers show; None for a model that is none."""
    from kerasgan.models.layers import recorded_family

    return recorded_family(model) or family_name_from_layers(model)


def family_of(model, path=None):
    """The `SnapshotFamily` of a loaded snapshot, or one sentence for a model that is none.

    The family its `FamilyRecord` layer names; for a snapshot without one (written before
    the record existed), the family its layers show (see `family_name_from_layers`).
    """
    name = family_name(model)
    if name is None:
        from kerasgan.snapshots.sampling import not_a_generator

        raise ValueError(f"{path or model.name} is not a generator: {not_a_generator(model)}")
    return family(name)


def family_name_from_layers(model):
    """The family of a snapshot that records none, told from the layer classes it is built of.

    Only for snapshots written before every snapshot carried a `FamilyRecord`: each
    family's generator is built of registered layers of its own, looked at here once.
    Returns None for a model that is not a generator of one of these families.
    """
    from kerasgan.models.layers import ClassLabels, ReflectionPadding2D
    from kerasgan.models.stylegan2_networks import MappingNetwork, SynthesisNetwork
    from kerasgan.snapshots import sampling

    classes = {type(layer) for layer in getattr(model, "layers", [])}
    if {MappingNetwork, SynthesisNetwork} <= classes:
        return "stylegan2"
    if sampling.is_generator(model):
        conditional = ClassLabels in classes or len(model.inputs) == 2
        return "cgan" if conditional else "dcgan"
    if sampling.is_image_translator(model):
        # CycleGAN's ResNet generator pads by reflection; pix2pix's U-Net never does.
        # (A pix2pix generator trained on paired folders has no InputModeTag either.)
        return "cyclegan" if ReflectionPadding2D in classes else "pix2pix"
    return None


def load(path, hint="a generator-*.keras file from a run folder"):
    """Loads a .keras snapshot (see `sampling.load_snapshot`); returns (model, its family)."""
    from kerasgan.snapshots import sampling

    model = sampling.load_snapshot(path, hint)
    return model, family_of(model, path)


__all__ = [
    "FAMILIES",
    "LAYER_MODULES",
    "family",
    "all_families",
    "register_layers",
    "family_name",
    "family_of",
    "family_name_from_layers",
    "load",
]
