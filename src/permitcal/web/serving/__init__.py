"""HTTP plumbing every answer passes: proxy trust, security headers, gzip, logs, body limits."""
