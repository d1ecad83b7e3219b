"""Answerers: evidence in, ``Answer`` out. The extractive one is the default."""
