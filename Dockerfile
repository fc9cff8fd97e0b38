# syntax=docker/dockerfile:1
# Build stage: install the locked dependencies into a virtualenv, compile catalogs.
FROM python:3.11.14-slim-bookworm AS build
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/main.lock requirements/main.lock
RUN python -m venv /venv \
    && /venv/bin/pip install --require-hashes --no-deps -r requirements/main.lock
# openapi.yaml is served as committed (GET /openapi.yaml).
COPY babel.cfg gunicorn.conf.py openapi.yaml ./
COPY service service
COPY translations translations
# The settings compiled into the payload store: the service refuses to start with others
# (pass --build-arg to change one, and set the same in the deployment).
ARG CACHE_MAX_AGE=3600 ARTICLES_PER_PAGE=50 CORS_ALLOWED_ORIGINS=* PUBLIC_BASE_URL= \
    TRANSLATION_COMPLETENESS_THRESHOLD=100
ENV STORE_PATH=/app/build/payload-store.pickle
# `make translations` then `make store`: check and compile every catalog, then build
# every payload once, here, so that start-up only loads them.
RUN /venv/bin/flask --app service.cli:create_cli_app translate compile \
    && /venv/bin/flask --app service.cli:create_cli_app store compile \
    && /venv/bin/python -m pip uninstall --quiet --yes pip setuptools

# Final stage: no compilers or build tools, a non-root user, gunicorn as PID 1.
FROM python:3.11.14-slim-bookworm
WORKDIR /app
ARG CACHE_MAX_AGE=3600 ARTICLES_PER_PAGE=50 CORS_ALLOWED_ORIGINS=* PUBLIC_BASE_URL= \
    TRANSLATION_COMPLETENESS_THRESHOLD=100
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 PORT=8000 STORE_PATH=/app/build/payload-store.pickle \
    CACHE_MAX_AGE=$CACHE_MAX_AGE ARTICLES_PER_PAGE=$ARTICLES_PER_PAGE \
    CORS_ALLOWED_ORIGINS=$CORS_ALLOWED_ORIGINS PUBLIC_BASE_URL=$PUBLIC_BASE_URL \
    TRANSLATION_COMPLETENESS_THRESHOLD=$TRANSLATION_COMPLETENESS_THRESHOLD
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin patientinfo
COPY --from=build /venv /venv
COPY --from=build /app /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=2)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn", "--config", "gunicorn.conf.py"]
