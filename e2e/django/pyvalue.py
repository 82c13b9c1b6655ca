"""What the console should show for a Python value: its PyValue type (../shared/API.md) and a plain display string.

Only what a test can compare without re-implementing the decoder: the type, the class for objects, a display
string for scalars, a length for containers, and status, content type and body for cached responses.
"""
import datetime
import uuid
from decimal import Decimal

from django.http.response import HttpResponseBase

SCALARS = {
    type(None): "none",
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    Decimal: "decimal",
    uuid.UUID: "uuid",
    datetime.datetime: "datetime",
    datetime.date: "date",
    datetime.time: "time",
}
CONTAINERS = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset", dict: "dict", bytes: "bytes"}


def display(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def describe(value):
    kind = type(value)
    if kind in SCALARS:
        return {"type": SCALARS[kind], "display": display(value)}
    if kind in CONTAINERS:
        return {"type": CONTAINERS[kind], "length": len(value)}
    described = {"type": "object", "class": f"{kind.__module__}.{kind.__qualname__}"}
    if isinstance(value, str):
        # str subclasses such as SafeString (template fragments) show as their plain text.
        described["display"] = str(value)
    if isinstance(value, HttpResponseBase):
        described["response"] = {
            "status": value.status_code,
            "contentType": value.get("Content-Type"),
            "bodyText": value.content.decode(value.charset),
        }
    return described
