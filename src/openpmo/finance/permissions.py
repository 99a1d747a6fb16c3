"""Who may change finance data (django-rules), checked inside ``services.py``."""
