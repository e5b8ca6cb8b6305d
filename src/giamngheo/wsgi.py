import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from giamngheo.web.production import production_problems

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
application = get_wsgi_application()

# A WSGI server started without `giamngheo serve` (gunicorn, uWSGI, mod_wsgi) gets the same
# refusal in production mode (web.production).
if getattr(settings, "PRODUCTION", False) and (_problems := production_problems()):
    raise ImproperlyConfigured(" ".join(_problems))
