"""kg — Dutch government annual reports as linked data."""

__version__ = "0.1.0"
