"""The WSGI entry point gunicorn loads: the app, or one line saying why it cannot start."""

import sys

from service import create_app
from service.config import StartupError

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"patient-info-api: cannot start: {error}")
