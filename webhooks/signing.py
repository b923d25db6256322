"""How deliveries are signed, and how a receiver checks them (docs/webhooks.md shows the same in prose).

    X-Homeward-Timestamp: 1767225600
    X-Homeward-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<raw body>")>

The timestamp is covered by the signature, so a receiver that refuses old timestamps (we suggest five minutes)
cannot be fed a recorded delivery again."""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Homeward-Timestamp"
SIGNATURE_HEADER = "X-Homeward-Signature"
EVENT_HEADER = "X-Homeward-Event"
DELIVERY_HEADER = "X-Homeward-Delivery"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, given: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: a fresh timestamp and a matching signature (compared in constant time)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), given)
