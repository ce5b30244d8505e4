"""The public SPARQL 1.1 endpoint: the protocol, the sandboxed query workers, the remote pass-through."""
