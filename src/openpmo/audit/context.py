"""The id of the request being served, for audit records written deep inside services."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("openpmo_request_id", default="")
