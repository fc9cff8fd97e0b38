"""HTTP API blueprints, one module per API version, plus the operational endpoints."""
