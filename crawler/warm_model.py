"""Imported by a fork server whose children analyse pages: loads the analysis code and the
language model there, once, so that every child shares one copy of the model (copy-on-write)
instead of loading its own (~0.9 s of CPU and ~130 MB). Two servers import it: the analysis
workers' own (`crawler.workers`), and the crawl processes' fork server of a caller with threads
(`crawler.run`: the tests, which crawl many times), whose crawls then fork their workers directly.

A fork server only imports modules by name, so the model to load comes from MODEL_ENV, set from
the crawl's rules before the server starts.
"""
from __future__ import annotations

import gc
import importlib
import os

from analysis.language import ModelMissing, nlp
from crawler.children import child_setup
from crawler.workers import MODEL_ENV

# The server ends with the process that started it: its workers, which end with it, hold the pipe
# whose closing would otherwise tell it to stop, so a killed crawl would leave them all waiting.
child_setup()
importlib.import_module("crawler.analyse")  # the workers' code, imported once for all of them
try:
    nlp(os.environ.get(MODEL_ENV, ""))
except ModelMissing:
    pass  # pages are judged without the parser (proximity), in each worker alike
gc.collect()
gc.freeze()  # the children's collector never touches (and so never copies) what is loaded here
