"""What calendar apps fetch: rendered feeds, their cache, links, and the fast path for polls."""
