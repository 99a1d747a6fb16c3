"""Who may change gates data (django-rules), checked inside ``services.py``."""
