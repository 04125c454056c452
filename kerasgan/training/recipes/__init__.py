"""The recipe table: every model `train()` and `kerasgan train MODEL` know, in one place.

A recipe (`kerasgan.training.recipe.Recipe`) says how `train()` makes one kind of model:

- `options`: a `RunOptions` subclass (`kerasgan/training/options.py`): the shared
  options plus the model's own, each with its default, check and help. The model's
  command line flags and `--help` are made from it.
- `build(options, data) -> model`: the uncompiled model; `options.model_arguments()`
  gives the arguments of the shared parts its options have (loss, augmentation, EMA, seed).
- `sampler(model, data, options, saved_arrays) -> sampler`: makes the grid after each
  interval (`grid(model)`) and names the arrays to keep in the checkpoint (`arrays()`),
  which come back as `saved_arrays` when the run resumes.
- optional: `load_data(dataset, options)` (default: images, with labels when
  `needs_labels`), `optimizers(options) -> (discriminator, generator)` (default:
  Adam(learning_rate, beta_1) each), `reals_grid(batch)`, `evaluators(data, options)`
  (scores for stats.jsonl), `next_steps(run)` (what `kerasgan train` prints at the end),
  `summary` and `examples` (its `--help`).

Adding a model:

1. `kerasgan/models/NEW.py`: builders and the `keras.Model` (imports only keras,
   tensorflow, numpy, losses, augment and other model modules). Any layer of its own
   that a saved generator holds goes in `kerasgan/models/layers.py`.
2. `kerasgan/training/recipes/NEW.py`: its options class (`TrainingOptions` for a `GAN`, or
   `RunOptions` with the option groups its model uses, so none it ignores; its own fields;
   `fill_defaults` for defaults that depend on other options, `check_together` for
   checks across options), its `build`, `sampler` and any other hooks, and `RECIPE`.
3. One row in `RECIPES` below. `kerasgan train NEW --help` then lists its flags, and
   `kerasgan.train("NEW", ...)` trains it. Its snapshots record the family "NEW".
4. `kerasgan/snapshots/NEW.py` and one row in `kerasgan.snapshots.FAMILIES`: what
   `kerasgan generate`, `project`, `export`, `live` and `evaluate` do with its snapshots.
5. Tests: `tests/models/test_NEW.py` for the model, a short `train()` for the recipe.
"""

from kerasgan.training.recipes import cgan, cyclegan, dcgan, pix2pix, stylegan2, wavegan

# Model name -> recipe, in the order `kerasgan train --help` lists them.
RECIPES = {
    "dcgan": dcgan.RECIPE,
    "cgan": cgan.RECIPE,
    "pix2pix": pix2pix.RECIPE,
    "stylegan2": stylegan2.RECIPE,
    "cyclegan": cyclegan.RECIPE,
    "wavegan": wavegan.RECIPE,
}


def recipe_for(model):
    """The recipe of `model`, or a ValueError listing the models there are."""
    if model not in RECIPES:
        raise ValueError(f"Unknown model {model!r}: choose one of {', '.join(RECIPES)}.")
    return RECIPES[model]
