"""Who may change reports data (django-rules), checked inside ``services.py``."""
