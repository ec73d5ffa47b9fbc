"""PDF reports in Thai: visit report, round summary, exam-site report, committee appointment order.

data.py turns records into frozen dataclasses; builders/ turn those into PDF bytes; service.py caches
them in storage by content hash; tasks.py builds them in the worker.
"""
