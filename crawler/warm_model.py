"""Imported by the crawl processes' fork server (see `crawler.run`): loads the language model
and imports Scrapy's components (`crawler.process.import_components`) there, once. Every crawl
process it forks starts with both, the model shared copy-on-write with its analysis workers,
instead of loading and importing its own (~1.5 s of CPU and ~130 MB a crawl, paid even by a crawl
where every feed answers 304). Callers with threads use it (the tests, the benchmarks); the
service and the dashboard run each crawl as a `spacewatch crawl` process, which forks the crawl
directly after loading both itself.

A fork server only imports modules by name, so the model to load comes from MODEL_ENV, which
`crawler.run` sets from the crawl's rules before the server starts.
"""
from __future__ import annotations

import gc
import os

from crawler.analyse import preload
from crawler.process import import_components
from crawler.report import MODEL_ENV

preload(os.environ.get(MODEL_ENV, ""))
import_components()
gc.collect()
gc.freeze()  # the children's collector never touches (and so never copies) what is loaded here
