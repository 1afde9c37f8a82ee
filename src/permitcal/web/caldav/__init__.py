"""Read-only CalDAV for phones that cannot subscribe to a feed URL (Huawei, vivo, Honor).

``objects`` turns a rendered calendar into calendar object resources and sync
tokens; ``views`` is the blueprint that speaks the protocol; ``xmlutil`` parses
request bodies safely and builds the answers.
"""
