"""The portal for a WSGI server: ``gunicorn hub.wsgi:app``.

The configuration is read as ``simpul`` reads it (``SIMPUL_CONFIG``, ``SIMPUL_<KEY>``); a
configuration that cannot be used stops the server with its message instead of a traceback.
"""

import sys

from hub.app import create_app, log_to_stderr
from hub.config import load_settings
from hub.sources import ConfigError

log_to_stderr()
try:
    app = create_app(load_settings())
except ConfigError as error:
    sys.exit(f"simpul: configuration: {error}")
