"""winkube: find what will go wrong with Windows containers on Kubernetes before it does."""

__version__ = "0.1.0"
