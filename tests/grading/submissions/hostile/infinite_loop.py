"""Hostile: loops forever while being imported; only the grader's timeout ends it."""


class Forever:
    while True:
        pass
