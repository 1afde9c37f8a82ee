"""Read-only CalDAV for phones that cannot subscribe to a feed URL (Huawei, vivo, Honor).

``views`` routes every request to one dispatcher; ``resources`` authenticates
and finds what a path names; ``propfind`` and ``reports`` answer those methods,
``filters`` applies calendar-query filters; ``objects`` turns a rendered
calendar into calendar object resources and sync tokens; ``answers`` and
``xmlutil`` parse request bodies safely and build the answers.
"""
