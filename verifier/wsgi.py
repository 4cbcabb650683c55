"""WSGI entry point (gunicorn verifier.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
application = get_wsgi_application()
