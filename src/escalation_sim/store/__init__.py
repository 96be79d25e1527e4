"""The results folder: file names, manifest, atomic writes, one save/load pair."""
