"""The database: subscriptions, their settings and secrets, the schema and its migrations."""
