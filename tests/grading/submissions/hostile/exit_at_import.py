"""Hostile: calls sys.exit(0) while being imported (in a class body, which runs at import).

A plain top-level `sys.exit(0)` is not run at all (only definitions are), so
the exit hides where definitions run. The grader must report it and give 0.
"""

import sys


class Leave:
    sys.exit(0)


def make_generator(latent_dim):
    raise NotImplementedError
