"""Flask-Babel, bound to the payload store's catalogs.

Interface strings (error titles and details) are translated at request time with
Flask-Babel's gettext. They come from the same loaded catalogs as the content, so a
reload swaps both at once and a worker never reads a catalog file after start-up.
"""

from babel.support import NullTranslations
from flask_babel import Babel, Domain, get_locale

from service.payloads import current_store

babel = Babel(configure_jinja=False)
_UNTRANSLATED = NullTranslations()


class StoreDomain(Domain):
    """A Flask-Babel domain whose translations are the current store's catalogs."""

    def get_translations(self):
        tag = str(get_locale()).replace("_", "-")
        return current_store().translations.get(tag, _UNTRANSLATED)


def init_localization(app):
    babel.init_app(app, default_locale="en")
    # Flask-Babel's default domain would read .mo files lazily, per worker.
    babel.domain_instance = StoreDomain()
