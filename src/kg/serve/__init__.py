"""Serving the graph as linked data: pages, content negotiation, search, canned queries, a SPARQL endpoint.

- :mod:`kg.serve.app` — the WSGI application and the threaded HTTP server (standard library only)
- :mod:`kg.serve.pages` — the HTML pages; :mod:`kg.serve.svg` — the neighbourhood picture
- :mod:`kg.serve.sparql` — the endpoint's worker processes, time limit and safety check
- :mod:`kg.serve.site` — the same pages and RDF files written as a static site

See docs/serving.md.
"""
