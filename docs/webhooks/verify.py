# Checks a webhook request of `eservqual serve` (Standard Webhooks). As a script: the raw body on
# stdin, WEBHOOK_SECRET and the three headers in WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE;
# exits 0 when the request is authentic, 1 otherwise.
import base64, hashlib, hmac, os, sys, time


def verify(secret: str, msg_id: str, timestamp: str, signature_header: str, body: bytes, tolerance=300) -> bool:
    """`body` is the raw request body, exactly as received (not re-serialised JSON)."""
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    # A stale or future timestamp is refused: a replayed request is not accepted later.
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    return any(
        hmac.compare_digest(entry[3:], expected) for entry in signature_header.split(" ") if entry.startswith("v1,")
    )


if __name__ == "__main__":
    env = os.environ
    ok = verify(env["WEBHOOK_SECRET"], env["WEBHOOK_ID"], env["WEBHOOK_TIMESTAMP"], env["WEBHOOK_SIGNATURE"],
                sys.stdin.buffer.read())
    sys.exit(0 if ok else 1)
