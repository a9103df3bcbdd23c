"""The dispatcher desk in the Django admin: review queue, order timeline, manifests, dashboard."""
