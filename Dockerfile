FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OMP_THREAD_LIMIT=1 \
    MEDOCR_VAR_DIR=/app/var MEDIA_ROOT=/data/media

WORKDIR /app
COPY scripts/system-packages.txt scripts/system-packages.txt
# The same packages `make run` installs (scripts/system-packages.txt).
RUN apt-get update \
 && grep -v '^#' scripts/system-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 medocr && mkdir -p /data/media /app/var && chown -R medocr /data /app/var
USER medocr

EXPOSE 8000
CMD ["gunicorn", "medocr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
