"""customApiValidator() and the allow-list check (NOTES §12, §15)."""

from .http import validation_failed
from .util import is_base64, is_valid_bool


def _fails(rule, arg, value):
    if rule == "string":
        return not isinstance(value, str)
    if rule == "boolean":
        return not is_valid_bool(value)
    if rule == "integer":
        if isinstance(value, bool):
            return True
        if isinstance(value, int):
            return False
        return not (isinstance(value, str) and value.lstrip("-").isdigit())
    if rule == "numeric":
        try:
            float(value)
            return isinstance(value, bool)
        except (TypeError, ValueError):
            return True
    if rule == "array":
        return not isinstance(value, (list, dict))
    if rule == "max":
        if isinstance(value, str):
            return len(value) > int(arg)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value > int(arg)
        return False
    if rule == "min":
        try:
            return int(value) < int(arg)
        except (TypeError, ValueError):
            return True
    if rule == "in":
        return value not in arg.split(",")
    if rule == "base64":
        return not is_base64(value)
    raise ValueError("unknown rule " + rule)


def _message(rule, arg, field):
    # NOTES §10.2 quotes the messages with the raw field name.
    return {
        "string": "The %s field must be a string." % field,
        "boolean": "The %s field must be true or false." % field,
        "integer": "The %s field must be an integer." % field,
        "numeric": "The %s field must be a number." % field,
        "array": "The %s field must be an array." % field,
        "max": "The %s field must not be greater than %s characters." % (field, arg),
        "min": "The %s field must be at least %s." % (field, arg),
        "in": "The selected %s is invalid." % field,
        "base64": "The %s should be base64 encoded." % field,
    }[rule]


def check(data, rules):
    """Errors for `data` under Laravel-style `rules` ({"field": "required|string"})."""
    errors = {}
    for field, spec in rules.items():
        parts = spec.split("|") if spec else []
        present = field in data
        value = data.get(field)
        if "required" in parts and (value is None or value == "" or value == [] or value == {}):
            # NOTES §12: customApiValidator's required message; an implicit rule stops the rest.
            errors[field] = ["This field is required."]
            continue
        if not present:
            continue
        if value is None and "nullable" in parts:
            continue
        for part in parts:
            rule, _, arg = part.partition(":")
            if rule in ("required", "nullable", "sometimes"):
                continue
            if _fails(rule, arg, value):
                errors.setdefault(field, []).append(_message(rule, arg, field))
    return errors


def extra_fields(data, allowed):
    """NOTES §3.4, §10.2: every key not in the allow-list is "not allowed"."""
    return [k for k in data if k not in allowed]


def validate(data, rules, allowed=None):
    """Raise the 422 of NOTES §12 when `data` breaks `rules` or the allow-list."""
    errors = check(data, rules)
    if allowed is not None:
        for field in extra_fields(data, allowed):
            errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        validation_failed(errors)
