"""fcviz — a desktop lab for watching fully-connected neural networks learn."""

__version__ = "0.1.0"
