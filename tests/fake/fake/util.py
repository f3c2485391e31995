"""Small helpers shared by every module: time formats, uuids, PHP-isms."""

import base64
import json
import re
import time

# NOTES §2.2: cuid2 uuids are one letter then 23 base36 characters.
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Older Coolify uuids only used these characters (e.g. ks4cgko444kw8sso08w8k8c8).
_LEGACY = "048cgkosw"

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def new_uuid(rng, legacy=False):
    """A cuid2-like uuid, or a 7-char one for rows from before 2024-07-25."""
    if legacy:
        return rng.choice(_LETTERS) + "".join(rng.choice(_LEGACY) for _ in range(6))
    return rng.choice(_LETTERS) + "".join(rng.choice(_B36) for _ in range(23))


def iso(ts):
    """NOTES §2.2: datetime-cast columns, "2025-05-27T13:10:20.000000Z"."""
    if ts is None:
        return None
    whole = int(ts)
    micro = int(round((ts - whole) * 1_000_000))
    if micro >= 1_000_000:
        whole, micro = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06dZ" % micro


def iso_seconds(ts):
    """Eloquent timestamps carry no fraction: "2025-05-27T13:10:20.000000Z"."""
    return None if ts is None else iso(float(int(ts)))


def raw(ts):
    """NOTES §2.2: uncast timestamp columns come out as "2025-05-27 13:10:20"."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts)))


def parse_ts(text):
    """"2025-05-27 13:10:20" (UTC) -> unix time."""
    import calendar
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S")))


def php_json(obj):
    """json_encode() with Laravel's flags 0 (NOTES §2.2): compact, "/" escaped as "\\/", non-ASCII as \\u escapes."""
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/")


def strip_ansi(text):
    return _ANSI_RE.sub("", text)


def php_truthy(value):
    """A query string handed to a PHP bool parameter (NOTES §8, §4.3, §11.4).

    Any non-empty string other than "0" is true, so "false" means true.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return value not in ("", "0")


def laravel_boolean(value):
    """$request->boolean(): true for 1, "1", true, "true", "on", "yes"."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).lower() in ("1", "true", "on", "yes")


def is_valid_bool(value):
    """Laravel's `boolean` rule accepts true, false, 0, 1, "0" and "1"."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    return isinstance(value, str) and value in ("0", "1")


def to_bool(value):
    if isinstance(value, str):
        return value == "1"
    return bool(value)


def is_base64(text):
    """NOTES §15.4: canonical padded base64 whose content is pure ASCII."""
    if not isinstance(text, str):
        return False
    try:
        decoded = base64.b64decode(text, validate=True)
    except (ValueError, base64.binascii.Error):
        return False
    if base64.b64encode(decoded).decode("ascii") != text:
        return False
    try:
        decoded.decode("ascii")
    except UnicodeDecodeError:
        return False
    return True


def b64decode(text):
    return base64.b64decode(text).decode("ascii")


def b64encode(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def api_sort(data):
    """NOTES §2.1: serializeApiResponse() key order.

    Alphabetical, created_at/updated_at last, then id, uuid, description (only
    when truthy) and name moved to the front. Nested objects are left alone.
    """
    front = [k for k in ("id", "uuid") if k in data]
    if data.get("description"):
        front.append("description")
    if "name" in data:
        front.append("name")
    tail = [k for k in ("created_at", "updated_at") if k in data]
    rest = sorted(k for k in data if k not in front and k not in tail)
    return {k: data[k] for k in front + rest + tail}


def without(data, keys):
    """A copy of `data` without `keys` (makeHidden)."""
    return {k: v for k, v in data.items() if k not in keys}
