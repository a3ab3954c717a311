# The application's image: gunicorn serving assess.wsgi, with LibreOffice for the archival
# PDF/A (docs/deployment.md, "Docker"). NOT EXERCISED BY THE TEST SUITE HERE (no container
# runtime on the CI host): the same steps, outside a container, are (tests/integration/
# test_installed_package.py installs the wheel outside the checkout and serves it).
#
#   docker build -t assess .
#   docker compose up          # compose.yaml: PostgreSQL, Redis, migrations, app, converter
#
# Debian's own Python (3.11 in bookworm) runs the application, so that LibreOffice's uno
# module (python3-uno) belongs to the same Python that runs unoserver.

FROM debian:bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# setup.py's build step puts workflows/, forms/, migrations/ and the compiled catalogues
# into the wheel.
RUN python3 -m venv /tmp/build && /tmp/build/bin/pip wheel --no-deps -w /wheels .

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3 python3-venv python3-uno libreoffice-writer-nogui \
        fonts-dejavu fonts-liberation2 postgresql-client ca-certificates tini \
    && rm -rf /var/lib/apt/lists/*
# The exact versions of requirements.lock (`make lock`), then the wheel itself.
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN python3 -m venv /opt/assess \
    && /opt/assess/bin/pip install --no-cache-dir -c /tmp/requirements.lock /wheels/assess-*.whl \
    && rm -rf /wheels
COPY scripts/restore_drill.sh /opt/assess/bin/restore_drill.sh
RUN groupadd --system --gid 10001 assess \
    && useradd --system --uid 10001 --gid assess --home-dir /srv/assess --create-home assess
USER assess
WORKDIR /srv/assess
# The instance folder and the audit checkpoints' export (a volume in compose.yaml).
RUN mkdir -p /srv/assess/instance /srv/assess/checkpoints
ENV PATH=/opt/assess/bin:$PATH \
    ASSESS_CONFIG=production \
    ASSESS_INSTANCE_PATH=/srv/assess/instance \
    FLASK_APP=assess.wsgi \
    PDF_CONVERTER_PYTHON=/usr/bin/python3
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--"]
# Workers and timeout: docs/deployment.md, "gunicorn". --forwarded-allow-ips: the address
# of the reverse proxy in front (compose.yaml sets it through GUNICORN_CMD_ARGS).
CMD ["gunicorn", "-c", "python:assess.gunicorn_conf", "--bind", "0.0.0.0:8000", \
     "--workers", "4", "--timeout", "120", "--access-logfile", "-", "assess.wsgi:app"]
