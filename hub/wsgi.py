"""The portal for a WSGI server: ``gunicorn hub.wsgi:app``.

The configuration is read as ``simpul`` reads it (``SIMPUL_CONFIG``, ``SIMPUL_<KEY>``); a
configuration that cannot be used stops the server with its message instead of a traceback.
"""

import logging
import sys

from hub.app import create_app, log_to_stderr
from hub.config import load_settings
from hub.sources import ConfigError

log_to_stderr()
try:
    settings = load_settings()
    app = create_app(settings)
except ConfigError as error:
    sys.exit(f"simpul: configuration: {error}")
if not settings.secret_key:
    logging.getLogger("hub.wsgi").warning(
        "no SIMPUL_SECRET_KEY set: each web process makes up its own session key, so sign-ins "
        "fail across processes and do not survive a restart; set it (or SIMPUL_SECRET_KEY_FILE)"
    )
