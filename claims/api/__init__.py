"""The REST API for newsroom integrations."""
