"""Weblate's settings for `make weblate-e2e`: Weblate's own example settings, pointed at
the throwaway PostgreSQL, Redis and data directory the round trip starts on loopback.

Read from the environment the round trip sets (tests/weblate_round_trip.py); not for
a production Weblate, whose settings its operators own (TRANSLATING.md, "Weblate").
"""

import os

from weblate.settings_example import *  # noqa: F403 (Weblate's documented way to configure)
from weblate.settings_example import CACHES, DATABASES, REST_FRAMEWORK

DEBUG = False
SITE_DOMAIN = os.environ["WEBLATE_SITE_DOMAIN"]  # 127.0.0.1:PORT
SITE_URL = f"http://{SITE_DOMAIN}"
ALLOWED_HOSTS = ["127.0.0.1"]
# Passkeys are not used here; their check wants an https:// or http://localhost origin.
OTP_WEBAUTHN_RP_ID = "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost"]
SECRET_KEY = os.environ["WEBLATE_SECRET_KEY"]

DATA_DIR = os.environ["WEBLATE_DATA_DIR"]
CACHE_DIR = f"{DATA_DIR}/cache"
MEDIA_ROOT = f"{DATA_DIR}/media"
STATIC_ROOT = f"{CACHE_DIR}/static"

DATABASES["default"].update(
    NAME="weblate",
    USER="weblate",
    PASSWORD="",
    HOST="127.0.0.1",
    PORT=os.environ["WEBLATE_POSTGRES_PORT"],
    CONN_MAX_AGE=0,
)
REDIS_URL = f"redis://127.0.0.1:{os.environ['WEBLATE_REDIS_PORT']}"
CACHES["default"]["LOCATION"] = f"{REDIS_URL}/1"
CACHES["avatar"]["LOCATION"] = f"{CACHE_DIR}/avatar"
# Background tasks (component import, discovery, checks) go through Redis to a Celery
# worker, as in production (Weblate's eager mode saves some settings outside a
# transaction and fails).
CELERY_BROKER_URL = f"{REDIS_URL}/2"
CELERY_RESULT_BACKEND = CELERY_BROKER_URL

# The "upstream" is a bare repository on this machine (file://).
VCS_FILE_PROTOCOL = True
# Git (and "local", the project glossary's), and Weblate's own translation memory:
# nothing the round trip does not use (the others log a warning for each missing tool
# or SDK at every command).
VCS_BACKENDS = ("weblate.vcs.git.GitRepository", "weblate.vcs.git.LocalRepository")
WEBLATE_MACHINERY = ("weblate.memory.machine.WeblateMemory",)
# The API is the translator's tool here: no throttling of the round trip's calls.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
# No project glossary: the round trip does not use one, and making it commits a file
# per language (half a minute).
CREATE_GLOSSARIES = False
REGISTRATION_OPEN = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
COMPRESS_ENABLED = False
ENABLE_HOOKS = False
