"""Hostile: starts a background process that would outlive the grading, and prints its id."""

import subprocess

SLEEPER = subprocess.Popen(["sleep", "300"])
PRINTED = print(f"SLEEPER_PID {SLEEPER.pid}", flush=True)


def make_generator(latent_dim):
    raise NotImplementedError
