"""Per-person notifications: what happened and a link, never what anyone wrote."""
