"""Faces: find them in a photo and align them the way FFHQ's faces were made.

`landmarks.py` finds each face and five points on it (eyes, nose, mouth corners);
`alignment.py` turns those points into FFHQ's square, upright crop.
"""
