"""Helpers every domain's services share: permission checks, optimistic locking, audited saves."""
