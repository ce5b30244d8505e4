"""Linked Open Data: dereferenceable URIs with content negotiation, the VoID/DCAT-AP catalogue, dumps."""
