"""The interface of a snapshot family: everything the commands do with one family's saved generators.

Each family's module in `kerasgan/snapshots/` (dcgan.py, cgan.py, pix2pix.py,
cyclegan.py, stylegan2.py) defines `FAMILY`, an instance of a `SnapshotFamily`
subclass, and `kerasgan/snapshots/__init__.py` lists them in `FAMILIES`. The commands
(`kerasgan generate`, `project`, `export`, `live`, `evaluate`) load a snapshot, ask
`kerasgan.snapshots.load(path)` for it and its family, and call one of the family's
methods; they never ask "is this a StyleGAN2?".

What a family implements (the defaults below serve a plain z -> image generator, or
refuse in one sentence):

- `name`, `title`, `kind`, `makes`: its name in the recipe table and in the snapshot's
  `FamilyRecord`, its name in sentences, "latent" or "image-to-image", and what it
  makes ("images"; a sound family says "sounds").
- `flags(command, generator)`: which of a command's family flags it takes (see
  `check_flags`); a flag given that it does not take is refused in one sentence.
- `sample(generator, latents, labels, **choices)`: seeds, latents, labels -> outputs.
- `write_outputs(path, outputs, alone, **layout)`: an image grid, or one image (a sound
  family writes sound files).
- `walk(keyframes, steps_between, method, loop)`: the path between keyframes.
- `generate(args, generator)`, `project(args, generator, out)`: the two commands' work.
- `exportable(generator, choices)` and `describe_export(generator)`: the model an export
  is made from, and what generator.json says about it beyond inputs and outputs.
- `live_translator(generator, path)`: (generator, input mode) for `kerasgan live`.
- `latents_for_seeds(generator, seeds)`: a seed's latent vector, the same every time.

A flag one family takes and another does not (`--trunc`) is listed by the command in its
`FAMILY_FLAGS` and by the family in `command_flags`; `check_flags` refuses the rest.
- `evaluate(generator, dataset, snapshot_path, **options)`: the scores `kerasgan evaluate` prints.

Example:

```python
from kerasgan import snapshots

generator, family = snapshots.load("results/00000-dcgan-mnist/generator-000010.keras")
print(family.title)                              # "DCGAN"
images = family.sample(generator, family.latents_for_seeds(generator, [0, 1, 2]))
family.write_outputs("three.png", images)
```
"""


class SnapshotFamily:
    """What is done with the saved generators of one model family. Subclass it per family.

    Attributes:
        name: the family's name: its row in the recipe table (`kerasgan train NAME`) and
            what its snapshots' `FamilyRecord` layer says.
        title: the name in sentences ("DCGAN", "StyleGAN2").
        kind: "latent" (z [+ label] -> output) or "image-to-image" (picture -> picture).
        makes: what its outputs are, for messages: "images" (a sound family: "sounds").
        output_suffix: the file suffix of one output (".png"; a sound family: ".wav").
        command_flags: {command: the family flags of that command it takes}, e.g.
            {"generate": {"--trunc"}}. The flags every family takes are not listed here;
            each command names its family flags in its `FAMILY_FLAGS`.
    """

    name = ""
    title = ""
    kind = "latent"
    makes = "images"
    output_suffix = ".png"
    command_flags = {}

    # ------------------------------------------------------------------ flags

    def flags(self, command, generator):
        """The family flags of `command` this family takes for this generator."""
        return set(self.command_flags.get(command, ()))

    def check_flags(self, command, given, generator, path):
        """Refuses, in one sentence, the flags in `given` this family does not take.

        Args:
            command: "generate", "project", "export", ...
            given: the family flags the user passed, e.g. ["--trunc", "--class"].
            generator: the loaded snapshot.
            path: the snapshot's path, for the sentence.
        """
        refused = [flag for flag in given if flag not in self.flags(command, generator)]
        if not refused:
            return
        named = refused[0] if len(refused) == 1 else f"{', '.join(refused[:-1])} and {refused[-1]}"
        takers = _families_taking(command, refused[0])
        where = f"to {' and '.join(takers)} snapshots" if takers else "to other snapshots"
        one = len(refused) == 1
        raise ValueError(
            f"{named} appl{'ies' if one else 'y'} {where}; this is a {self.title} generator "
            f"({path}), so drop {'it' if one else 'them'}."
        )

    def refuse(self, what, path, instead=""):
        """One sentence: this family's snapshots cannot do `what` (and what to do instead)."""
        raise ValueError(
            f"{path} is a {self.title} generator, which cannot {what}"
            + (f": {instead}." if instead else ".")
        )

    # ----------------------------------------------------------------- sample

    def latents_for_seeds(self, generator, seeds):
        """The latent vectors of seeds (the same seed always gives the same vector)."""
        from kerasgan.snapshots import sampling

        return sampling.latents_for_seeds(seeds, sampling.generator_latent_dim(generator))

    def sample(self, generator, latents, labels=None, **choices):
        """Outputs (n, ...) in [-1, 1] from latents (n, latent_dim) and, if conditional, labels (n,)."""
        inputs = latents if labels is None else [latents, labels]
        return generator.predict(inputs, batch_size=64, verbose=0)

    def write_outputs(self, path, outputs, alone=False, **layout):
        """Writes outputs to `path`: a grid of them (`layout`: columns, row_labels), or with
        `alone` the one output as it is."""
        from kerasgan import images

        if alone:
            images.save_image(path, outputs[0])
        else:
            images.save_grid(path, outputs, **layout)

    def walk(self, keyframes, steps_between, method=None, loop=True):
        """Latents moving through keyframes, `steps_between` per leg (slerp in z by default)."""
        from kerasgan.snapshots import sampling

        return sampling.walk(keyframes, steps_between, method=method or "slerp", loop=loop)

    # --------------------------------------------------------------- commands

    def generate(self, args, generator):
        """`kerasgan generate` for this family; returns the exit code."""
        self.refuse("be sampled from latent vectors", args.snapshot,
                    "it translates pictures; run it with kerasgan live")

    def project(self, args, generator, out):
        """`kerasgan project`: search the family's latent space for `args.image`, write `out`."""
        self.refuse("be projected (it has no latent space to search)", args.snapshot)

    def exportable(self, generator, choices):
        """The model an export is made from: the generator computing in float32.

        Args:
            choices: {flag: value} of the export's family flags (e.g. {"--trunc": 0.7}).
        """
        from kerasgan.snapshots.export import float32_copy

        return float32_copy(generator)

    def describe_export(self, generator):
        """What generator.json says about this family's export beyond inputs and outputs."""
        return {}

    def live_translator(self, generator, path):
        """(generator, InputMode or None) for `kerasgan live`."""
        self.refuse("run live on video frames", path,
                    "pass the generator-*.keras snapshot of a pix2pix run, or a "
                    "generator_a2b-*.keras one of a cyclegan run")

    def evaluate(self, generator, dataset, snapshot_path, **options):
        """The scores of `kerasgan evaluate`: samples against the dataset's real images."""
        from kerasgan.metrics.evaluation import evaluate_generator

        return evaluate_generator(generator, dataset, **options)


def _families_taking(command, flag):
    """The titles of the families that take `flag` in `command` (for a refusal's sentence)."""
    from kerasgan import snapshots

    return [
        family.title
        for family in snapshots.all_families()
        if flag in family.command_flags.get(command, ())
    ]
