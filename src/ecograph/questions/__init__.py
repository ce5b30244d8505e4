"""The saved gap questions: the catalogue of ``queries/*.rq``, their parameters, and how to run them
over any store; also the organisation network the viewer draws."""
