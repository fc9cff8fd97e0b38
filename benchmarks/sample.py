"""The request every benchmark server answers: one section, for a Mexican-Spanish browser."""

from service.urls import API_PREFIX, section_url

SLUG = "laser-treatment-for-stretch-marks"
# The largest section of the first article (~1.2 KB in Spanish): over gzip's 1 KB bar.
SECTION_ID = "what-it-is"
SECTION_PATH = section_url(SLUG, SECTION_ID)
# The URL rule of the section view, for the apps that stand beside the service.
SECTION_RULE = f"{API_PREFIX}/articles/<slug>/sections/<section_id>"
ACCEPT_LANGUAGE = "es-MX,es;q=0.9,en;q=0.5"
