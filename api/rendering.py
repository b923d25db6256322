"""JSON rendering: times keep their full precision and their offset.

ninja's default encoder (Django's) cuts times to milliseconds, so a client that sent a time back (say, a
return "at the time last seen") would send an earlier time than the one stored.
"""

import datetime as dt
from typing import Any

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class PreciseJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


class PreciseJSONRenderer(JSONRenderer):
    encoder_class = PreciseJSONEncoder
