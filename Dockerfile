# permitcal under gunicorn, for PostgreSQL and a reverse proxy with HTTPS in front
# (see compose.yaml and docs/deployment.md). Run `permitcal db upgrade` once
# before starting it; the image never creates or alters tables by itself.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install '.[postgres,server]' \
 && useradd --uid 10001 --create-home --home-dir /var/lib/permitcal \
        --shell /usr/sbin/nologin permitcal
USER 10001
WORKDIR /var/lib/permitcal

# PERMITCAL_PROXY_FIX trusts X-Forwarded-* from one proxy: publish the port only
# to that proxy (compose.yaml binds it to 127.0.0.1), or set it to false.
ENV PERMITCAL_BIND=0.0.0.0:8000 \
    PERMITCAL_PROXY_FIX=true \
    PERMITCAL_INSTANCE_PATH=/var/lib/permitcal/instance
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "python:permitcal.web.gunicorn_conf", "permitcal.web:create_app()"]
