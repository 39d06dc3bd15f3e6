"""Understanding text: pure functions from text to judgements (no Scrapy, no database).

Imports nothing else of the project; the crawler, `spacewatch analyse` and the tests call it.
"""
