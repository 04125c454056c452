"""Hostile: ends its process with os._exit(0) at import, which no except clause can catch."""

import os

EXIT_NOW = os._exit(0)


def make_generator(latent_dim):
    raise NotImplementedError
