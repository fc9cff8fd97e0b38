# syntax=docker/dockerfile:1
# Build stage: install the locked dependencies into a virtualenv, compile catalogs.
FROM python:3.11.14-slim-bookworm AS build
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/main.lock requirements/main.lock
RUN python -m venv /venv \
    && /venv/bin/pip install --require-hashes --no-deps -r requirements/main.lock
COPY babel.cfg gunicorn.conf.py ./
COPY service service
COPY translations translations
# `make translations`'s command: checks and compiles every catalog, articles' included.
RUN /venv/bin/flask --app service.cli:create_cli_app translate compile \
    && /venv/bin/python -m pip uninstall --quiet --yes pip setuptools

# Final stage: no compilers or build tools, a non-root user, gunicorn as PID 1.
FROM python:3.11.14-slim-bookworm
WORKDIR /app
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 PORT=8000
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin patientinfo
COPY --from=build /venv /venv
COPY --from=build /app /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=2)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn", "--config", "gunicorn.conf.py"]
