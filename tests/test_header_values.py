"""List headers a client makes long (Accept, Accept-Encoding, If-None-Match) cost bounded
work and bounded memory: only their first items are read, only short ones memoized."""

import tracemalloc

from service.header_values import MAX_ITEMS
from tests.helpers import SLUG

ARTICLE = f"/v1/articles/{SLUG}"
FILLER = [f"x-{index}" for index in range(MAX_ITEMS * 3)]


def test_only_the_first_items_of_a_long_list_header_are_read(client):
    # What comes after the first MAX_ITEMS items is not read, whatever it says.
    accept = ", ".join([*(f"text/{item}" for item in FILLER), "application/ld+json"])
    assert client.get(ARTICLE, headers={"Accept": accept}).status_code == 406
    coding = ", ".join([*FILLER, "gzip"])
    response = client.get(ARTICLE, headers={"Accept-Encoding": coding})
    assert "Content-Encoding" not in response.headers
    etag = client.get(ARTICLE).headers["ETag"]
    none_match = ", ".join([*(f'"{item}"' for item in FILLER), etag])
    assert client.get(ARTICLE, headers={"If-None-Match": none_match}).status_code == 200
    # The same values, short enough, are read whole.
    assert client.get(ARTICLE, headers={"Accept": "text/x, application/ld+json"}).status_code == 200
    assert client.get(ARTICLE, headers={"If-None-Match": f'"x", {etag}'}).status_code == 304


def test_distinct_long_values_are_not_kept(client):
    """The memos held up to 256 raw values each: 256 x 376 KB was 96 MB per header."""

    def send(round_number: int):
        for index in range(300):
            tail = ", ".join(f"text/{round_number}-{index}-{item}" for item in range(400))
            client.get(ARTICLE, headers={"Accept": f"application/json, {tail}"})
            client.get(ARTICLE, headers={"Accept-Encoding": f"gzip, {tail}"})
            client.get(ARTICLE, headers={"If-None-Match": f'"{round_number}-{index}", {tail}'})

    send(0)  # whatever a first round leaves (interned strings, caches of werkzeug's)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    send(1)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 1024 * 1024  # 900 values of about 8 KB each: 7 MB if they were kept
