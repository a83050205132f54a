"""A synthetic chart world with planted manipulation and organic look-alikes."""

from chartreview.demo.generator import Case, World, build_demo, generate

__all__ = ["Case", "World", "build_demo", "generate"]
