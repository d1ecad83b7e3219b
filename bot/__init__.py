"""newsbot: grounded question answering over a folder of news articles.

The package is layered so data flows one way::

    corpus -> chunking -> embeddings -> index -> retrieve -> answer -> chat -> cli / web

Nothing heavy is imported here, so ``bot --help`` stays instant.
"""

__version__ = "0.1.0"
