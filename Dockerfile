# Production image: gunicorn + whitenoise for the web, the same image for Celery worker/beat.
FROM python:3.11-slim

# templates/ and static/ live beside the packages, not inside them, so the app runs from the
# source tree in /app (PYTHONPATH), while `pip install .` brings in the dependencies.
# HELPDESK_VAR_DIR is where collectstatic puts the files whitenoise serves.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    HELPDESK_VAR_DIR=/app/var \
    WEB_CONCURRENCY=6

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

WORKDIR /app

# Dependencies get their own layer so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install . && rm -rf build *.egg-info

COPY . .
RUN pip install --no-deps --force-reinstall . && rm -rf build *.egg-info

# The message catalogues (.po in git) are compiled into the image.
RUN for dir in */locale; do pybabel -q compile --domain django --directory "$dir"; done

# The key only lets settings load for this step; it is not in the image's environment.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-step-only python manage.py collectstatic --no-input \
    && rm -rf var/broker \
    && chown -R app:app var

USER app

EXPOSE 8000

# WEB_CONCURRENCY sets the worker processes; --worker-tmp-dir keeps the heartbeat off the
# overlay filesystem, where a slow disk can get healthy workers killed.
#
# Every request is bounded: sync workers serve one request at a time and stop beating their
# heartbeat while they do, so the arbiter kills a worker stuck on one request for more than
# --timeout seconds (SIGABRT, then SIGKILL) and starts a fresh one. With --threads (gthread)
# the main thread keeps beating while a request thread is stuck, and --timeout never
# fires. --graceful-timeout bounds a restart or shutdown. The database cancels a web
# request's statement a few seconds earlier (DATABASE_STATEMENT_TIMEOUT_MS in
# docker-compose.yml), so most slow requests end with an error page, not a killed worker.
# Sync workers need a buffering proxy in front (nginx's default), which compose assumes.
# Override with GUNICORN_CMD_ARGS, e.g. "--timeout 60".
CMD ["gunicorn", "helpdesk.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "sync", \
     "--timeout", "30", "--graceful-timeout", "20", \
     "--worker-tmp-dir", "/dev/shm", \
     "--max-requests", "1000", "--max-requests-jitter", "100", \
     "--access-logfile", "-", "--error-logfile", "-"]
