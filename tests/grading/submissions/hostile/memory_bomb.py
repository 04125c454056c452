"""Hostile: allocates memory without end at import; the address-space limit stops it."""

HOARD = []


class Bomb:
    while True:
        HOARD.append(bytearray(256 * 2**20))
