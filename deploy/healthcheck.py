"""The image's HEALTHCHECK: exit 0 when GET /healthz on this container's port answers 200.

Standard library only, so the final image needs no curl or wget.
"""

from __future__ import annotations

import os
import sys
import urllib.request

TIMEOUT_SECONDS = 3


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '3978')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
