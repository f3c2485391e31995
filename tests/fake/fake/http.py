"""Requests, responses and the error bodies of NOTES §12."""

import json
import urllib.parse

from .util import php_json

NOT_FOUND = {"message": "Not found.", "docs": "https://coolify.io/docs"}
UNAUTHENTICATED = {"message": "Unauthenticated."}

# NOTES §1.1: TrimStrings leaves these keys alone.
_UNTRIMMED_KEYS = ("password", "current_password", "password_confirmation")

_HTML_PAGES = {
    429: "Too Many Requests",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Time-out",
}


class ApiError(Exception):
    """Raised by a handler to answer with `status` and a JSON `body`."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def fail(status, message, **extra):
    body = {"message": message}
    body.update(extra)
    raise ApiError(status, body)


def validation_failed(errors):
    """NOTES §12: customApiValidator's 422."""
    raise ApiError(422, {"message": "Validation failed.", "errors": errors})


class Response:
    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})


def json_response(status, obj, headers=None):
    return Response(status, php_json(obj).encode("ascii"), "application/json", headers)


def text_response(status, text, headers=None):
    # NOTES §1.1, §13: Laravel's default for a string response.
    return Response(status, text.encode("utf-8"), "text/html; charset=UTF-8", headers)


def html_error_page(status):
    title = _HTML_PAGES.get(status, "Error")
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>%s</title></head>\n"
            "<body><div class=\"code\">%d</div><div class=\"message\">%s</div></body>\n</html>\n"
            % (title, status, title))
    return text_response(status, page)


def redirect_back():
    """A failed $request->validate() without Accept: application/json (NOTES §11.3)."""
    return Response(302, b"", "text/html; charset=UTF-8", {"Location": "/"})


def error_response(status, accepts_json, headers=None, ability=None):
    """The body the API gives for `status` when nothing more specific applies.

    Used for the framework-level errors and for injected faults.
    """
    headers = dict(headers or {})
    if status in (502, 504):
        # nginx answers these itself, always HTML (NOTES §1.1, §12).
        resp = html_error_page(status)
    elif status in (429, 500, 503) and not accepts_json:
        # NOTES §1.7, §12: HTML unless the request sent Accept: application/json.
        resp = html_error_page(status)
    else:
        body = {
            400: {"message": "Invalid request.", "error": "Invalid JSON."},
            401: UNAUTHENTICATED,
            403: {"message": "Missing required permissions: %s" % (ability or "read")},
            404: NOT_FOUND,
            405: {"message": "This endpoint has changed to a POST request."},
            409: {"message": "Environment variable already exists. Use PATCH request to update it."},
            422: {"message": "Validation failed.", "errors": {}},
            429: {"message": "Too Many Attempts."},
            500: {"message": "Server Error"},
            503: {"message": "Service Unavailable"},
        }.get(status, {"message": "Error."})
        resp = json_response(status, body)
    resp.headers.update(headers)
    return resp


def _clean(value, key=None):
    """NOTES §1.1: TrimStrings + ConvertEmptyStringsToNull, recursively."""
    if isinstance(value, str):
        if key in _UNTRIMMED_KEYS:
            return value
        value = value.strip(" \t\n\r\0\x0b")
        return None if value == "" else value
    if isinstance(value, dict):
        return {k: _clean(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class Request:
    """One API request after the global middleware has run."""

    def __init__(self, method, target, headers, body):
        self.method = method
        split = urllib.parse.urlsplit(target)
        self.raw_path = split.path
        path = urllib.parse.unquote(split.path)
        # NOTES §1.1: the route matcher strips a trailing slash.
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        self.path = path
        self.raw_query = split.query
        pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        self.query = {}
        for k, v in pairs:
            self.query.setdefault(k, _clean(v))
        self.headers = headers
        self.body = body or b""
        self._json = None
        self._json_parsed = False

    # -- headers ---------------------------------------------------------------
    def header(self, name, default=""):
        value = self.headers.get(name)
        return default if value is None else value

    @property
    def accepts_json(self):
        """Handler::shouldReturnJson(): the first Accept type says json."""
        accept = self.header("Accept").split(",")[0].strip().lower()
        return "/json" in accept or "+json" in accept

    @property
    def is_json(self):
        ctype = self.header("Content-Type").lower()
        return "/json" in ctype or "+json" in ctype

    # -- body ------------------------------------------------------------------
    def raw_json(self):
        """The decoded body, or None when it is not JSON (before trimming)."""
        if not self._json_parsed:
            self._json_parsed = True
            try:
                self._json = json.loads(self.body.decode("utf-8")) if self.body else None
            except (ValueError, UnicodeDecodeError):
                self._json = None
        return self._json

    def all(self):
        """$request->all(): query merged with the JSON body, after trimming."""
        data = dict(self.query)
        if self.is_json:
            body = self.raw_json()
            if isinstance(body, dict):
                data.update(_clean(body))
        else:
            data.update(self._form())
        return data

    def _form(self):
        if "application/x-www-form-urlencoded" not in self.header("Content-Type").lower():
            return {}
        pairs = urllib.parse.parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: _clean(v) for k, v in pairs}

    def input(self, name, default=None):
        return self.all().get(name, default)


def validate_incoming_request(req):
    """NOTES §12: validateIncomingRequest() on POST/PATCH bodies."""
    if not req.is_json:
        raise ApiError(400, {"message": "Invalid request.", "error": "Content-Type must be application/json."})
    body = req.raw_json()
    # json_decode() must give something truthy: {} is an object, so truthy.
    if body is None or body is False or body == 0 or body == [] or body == "" or body == "0":
        raise ApiError(400, {"message": "Invalid request.", "error": "Invalid JSON."})
    if body == {} or not isinstance(body, dict):
        raise ApiError(400, {"message": "Invalid request.", "error": "Empty JSON."})
