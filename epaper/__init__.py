"""epaper: newsroom articles set in newspaper columns, rendered to print-ready PDF."""

__version__ = "0.1.0"
__all__ = ["__version__"]
