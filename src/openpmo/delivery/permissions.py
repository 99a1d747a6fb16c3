"""Who may change delivery data (django-rules), checked inside ``services.py``."""
