"""The results folder: file names, manifest, atomic writes, lock and owner, save and load."""
