"""The REST API shell: authentication, schema, docs, error mapping. Each domain adds its routes."""
