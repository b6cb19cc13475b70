"""kg: the knowledge graph of Poland's social-inclusion ecosystem."""
__version__ = "0.1.0"

from .api import KnowledgeGraph, open  # noqa: E402,F401  (the public entry point)
