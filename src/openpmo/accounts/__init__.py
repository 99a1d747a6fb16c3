"""People and roles: the custom user model, the seven roles (groups), sign-in and sign-out."""
