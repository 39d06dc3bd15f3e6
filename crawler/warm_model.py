"""Imported by the crawl processes' fork server (see `crawler.run`): loads the language model
and Scrapy's components (`crawler.process.import_components`) there, once, so that every crawl process it forks (one a poll, in the service) starts with the
model in memory, shared copy-on-write with its analysis workers, instead of loading its own
(~0.6-1 s of CPU and ~130 MB a crawl, paid even by a poll where every feed answers 304).

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
