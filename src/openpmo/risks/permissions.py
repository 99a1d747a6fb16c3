"""Who may change risks data (django-rules), checked inside ``services.py``."""
