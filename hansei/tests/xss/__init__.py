"""The XSS corpus test's parts: payloads, the data set that carries them, and the watchers
that catch a payload running or reaching outside (see hansei/tests/test_xss_corpus.py)."""
