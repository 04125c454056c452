"""Training runs: `train()`, the run folder, its checkpoint, the callback that fills it,
the options dataclasses (`options.py`) and one recipe per model (`recipes/`).

This layer sits above `kerasgan.models` and `kerasgan.snapshots` and below the
commands: see `kerasgan/README.md` for who may import whom.
"""
