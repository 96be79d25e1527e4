"""The results folder: file names, manifest, atomic writes, save and load."""
