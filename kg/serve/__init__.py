"""``kg serve``: the graph on the web — a read-only SPARQL endpoint, linked-data pages, stored queries
as an HTTP API, result views, the dataset description and the ontology documentation.

Modules, in the order a request meets them: :mod:`~kg.serve.server` (threaded HTTP server),
:mod:`~kg.serve.app` (routes), :mod:`~kg.serve.negotiation` (media types), :mod:`~kg.serve.pool`
(worker processes with time limits), :mod:`~kg.serve.worker` (what a worker does),
:mod:`~kg.serve.guard` (what the endpoint refuses), :mod:`~kg.serve.backend` (store or remote
endpoint), :mod:`~kg.serve.resource` and :mod:`~kg.serve.views` (page data), :mod:`~kg.serve.render`
(templates). See docs/serve.md.
"""
