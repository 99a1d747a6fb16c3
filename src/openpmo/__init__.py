"""OpenPMO: an open-source programme management office for public-sector change programmes."""

__version__ = "0.1.0"
