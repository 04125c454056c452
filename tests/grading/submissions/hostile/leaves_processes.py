"""Hostile: starts a background process that would outlive the grading, and prints its id."""

import subprocess

# A distinctive argument, so the test finds the process by its command line (inside a PID
# namespace the id it prints is not the one the machine knows it by).
SLEEPER = subprocess.Popen(["sleep", "311.25"])
PRINTED = print(f"SLEEPER_PID {SLEEPER.pid}", flush=True)


def make_generator(latent_dim):
    raise NotImplementedError
