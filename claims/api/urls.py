"""API routes (placeholder until the API lands)."""

urlpatterns: list = []
