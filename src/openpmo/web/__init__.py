"""The web shell: GOV.UK page template, home page, health check, login-required middleware."""
