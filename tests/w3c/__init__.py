"""Helpers for the web tests: W3C manifest reader, small stores, a live server on loopback."""
