import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
application = get_wsgi_application()

from letdown.core.process import prepare_server_process  # noqa: E402 (needs Django set up)

prepare_server_process()
