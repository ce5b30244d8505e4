"""Where a build publishes: the ``Publisher`` protocol (``base``) and its two backends
(``embedded``, ``remote``; the remote one is imported only when asked for)."""
