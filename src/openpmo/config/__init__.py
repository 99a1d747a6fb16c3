"""Django configuration: settings (read from the environment in ``env``), URLs, WSGI/ASGI."""
