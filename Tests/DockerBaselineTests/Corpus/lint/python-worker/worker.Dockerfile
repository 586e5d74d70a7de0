# syntax=docker/dockerfile:1
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends build-essential libpq-dev
rm -rf /var/lib/apt/lists/*
EOF

WORKDIR /src
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM python:3.12-slim
ENV PATH=/venv/bin:$PATH \
    CELERY_BROKER_URL=redis://redis:6379/0 \
    DB_PASSWORD_FILE=/run/secrets/db_password
RUN <<-EOF
	set -eux
	mkdir -p /app /var/log/worker
	if [ ! -d /venv ]; then
		echo "venv is copied in below"
	fi
	EOF

RUN <<EOF bash
set -euo pipefail
python3 -c 'import sys; assert sys.version_info >= (3, 12)'
EOF

COPY --from=build /venv /venv
COPY . /app
WORKDIR /app
HEALTHCHECK --interval=1m CMD ["celery", "-A", "worker", "inspect", "ping"]
CMD ["celery", "-A", "worker", "worker", "--loglevel=INFO", ]
