"""Measurements, recorded as the tests' user properties (``--junitxml`` writes them), never asserted."""

from __future__ import annotations

import time

from desktop_chat.documents import DocumentIndex, extract, extract_bytes
from tests.documents import make_pdf, numbered_pages, sample


def _measure(request, label: str, run) -> None:
    started = time.perf_counter()
    document = run()
    extracted = time.perf_counter()
    with DocumentIndex() as index:
        chunks = index.add(document)
    indexed = time.perf_counter()
    request.node.user_properties += [
        (f"{label}_pages", document.page_count),
        (f"{label}_chunks", chunks),
        (f"{label}_extract_s", round(extracted - started, 3)),
        (f"{label}_index_s", round(indexed - extracted, 3)),
    ]


def test_measure_geotopo(request):
    _measure(request, "geotopo", lambda: extract(sample("GeoTopo-komprimiert.pdf")))


def test_measure_generated_300_pages(request):
    data = make_pdf(numbered_pages(300))
    _measure(request, "generated300", lambda: extract_bytes(data, "300.pdf"))
