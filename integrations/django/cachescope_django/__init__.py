"""Cachescope's Django companion: hit ratios per cache alias and namespace, flushed where the console reads them.

Add "cachescope_django" to INSTALLED_APPS. Optional settings: the CACHESCOPE dict (see conf.py).
"""
__version__ = "1.0.0"
