"""The web service: SPARQL endpoint, Linked Open Data pages, dumps and catalogue.

``ecograph.web.app.create_app`` builds the FastAPI application; ``ecograph.web.app.serve`` runs it.
"""
