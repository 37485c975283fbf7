"""The service layer: app factory, adapter, activity handler, CLI."""
