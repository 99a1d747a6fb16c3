"""Who may change benefits data (django-rules), checked inside ``services.py``."""
