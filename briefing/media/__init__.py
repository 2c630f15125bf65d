"""Uploaded photos: decoding and variants (images.py), where the files live (storage.py)."""
