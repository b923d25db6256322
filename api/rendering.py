"""JSON rendering: times keep their full precision and their offset.

ninja's default encoder (Django's) cuts times to milliseconds, so a client that sent a time back (say, a
return "at the time last seen") would send an earlier time than the one stored.
"""

import datetime as dt
import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class PreciseJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


class PreciseJSONRenderer(JSONRenderer):
    encoder_class = PreciseJSONEncoder


def with_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A GET's 200 carries a strong ETag (a digest of exactly the JSON sent); sent back in If-None-Match it gets
    304 with no body. The digest is of what this caller may see, so it never tells one caller about another's view."""
    if request.method != "GET" or response.status_code != 200:
        return response
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    response["ETag"] = etag
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    return response
