"""Training runs: the run folder, its checkpoint, the callback that fills it, and `train()`."""
