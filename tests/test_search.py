"""GET /v1/search over a test-only corpus (tests/data/search, never served) in English,
Spanish, German, Arabic and Simplified Chinese, plus an English-only article: ranking,
morphology, folding, scripts, typos, synonyms, bad input, paging and caching; then the
shipped article, gunicorn with two workers and a compiled store, and HUP reloads."""

import gzip
import json
import os
import shutil
import signal
import subprocess
import time
import tomllib
from pathlib import Path
from urllib.parse import quote

import polib
import pytest

from service import create_app
from service.compiled_store import StoreError, compile_store, load_store
from service.config import REPOSITORY_DIR
from service.content.loader import parse_article_file
from service.search.index import Query
from service.search.results import LEAD_CHARACTERS, SEARCH_SCHEMA, SNIPPET_CHARACTERS
from service.validation import validated_dump
from tests.helpers import SLUG, compile_catalogs, running_gunicorn, wait_for

CORPUS = REPOSITORY_DIR / "tests" / "data" / "search"
PAGING_ARTICLES = 14  # English-only articles about hats: two pages of 10


def write_corpus(root: Path) -> tuple[Path, Path]:
    """The test articles and their catalogs (from translations.toml), compiled, with the
    shipped interface catalogs; and PAGING_ARTICLES generated English-only articles."""
    content, translations = root / "articles", root / "translations"
    content.mkdir(parents=True)
    shutil.copytree(REPOSITORY_DIR / "translations", translations)
    for shipped in translations.glob("*/LC_MESSAGES/articles"):
        shutil.rmtree(shipped)
    table = tomllib.loads((CORPUS / "translations.toml").read_text(encoding="utf-8"))
    for source in sorted((CORPUS / "articles").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        (content / source.name).write_text(text, encoding="utf-8")
        article = parse_article_file(text.encode(), source.name)
        for babel_name, translated in table.items():
            messages = [(context, msgid) for context, msgid in article.messages()]
            if not any(msgid in translated for _, msgid in messages):
                continue
            shipped = REPOSITORY_DIR / "translations" / babel_name / "LC_MESSAGES" / "articles"
            catalog = polib.POFile()
            catalog.metadata = dict(polib.pofile(str(shipped / f"{SLUG}.po")).metadata)
            for context, msgid in messages:
                catalog.append(
                    polib.POEntry(msgctxt=context, msgid=msgid, msgstr=translated.get(msgid, ""))
                )
            target = translations / babel_name / "LC_MESSAGES" / "articles"
            target.mkdir(exist_ok=True)
            catalog.save(str(target / f"{article.slug}.po"))
    for number in range(1, PAGING_ARTICLES + 1):
        (content / f"hats-{number:02d}.md").write_text(
            f"---\nslug: hats-{number:02d}\ntitle: Hats {number}\n"
            "clinical_review: not_reviewed\ncodes: []\n---\n\nWide hats shade the face.\n",
            encoding="utf-8",
        )
    compile_catalogs(translations)
    return content, translations


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    return write_corpus(tmp_path_factory.mktemp("search-corpus"))


@pytest.fixture(scope="module")
def search(corpus):
    content, translations = corpus
    client = create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations}).test_client()

    def get(q: str, lang: str = "en", expected: int = 200, **parameters: str):
        query = "&".join(f"{name}={quote(value)}" for name, value in parameters.items())
        url = f"/v1/search?q={quote(q)}&lang={lang}" + (f"&{query}" if query else "")
        response = client.get(url)
        assert response.status_code == expected, (url, response.get_json())
        return response.get_json()

    get.client = client  # type: ignore[attr-defined]
    return get


def highlighted(hit: dict) -> list[str]:
    text = hit["snippet"]["text"]
    return [text[span["start"] : span["end"]] for span in hit["snippet"]["highlights"]]


# (language, query, the article expected first, the language of its hit): each judged
# from the corpus's text, not from what the engine returned.
QUERIES = [
    ("en", "stretch marks", "stretch-marks", "en"),  # title above acne's body mention
    ("en", "stretched", "stretch-marks", "en"),  # stemming: stretched = stretch
    ("en", "STRETCH", "stretch-marks", "en"),
    ("en", "pregnancies", "stretch-marks", "en"),
    ("en", "pregnency", "stretch-marks", "en"),  # one typo in a long word
    ("en", "scars", "acne", "en"),  # a heading
    ("en", "masks", "acne", "en"),  # exact in acne's text, above "marks" (one edit)
    ("en", "sunscreen", "sunburn", "en"),
    ("es", "estrias", "stretch-marks", "es"),  # without the accent
    ("es", "ESTRÍA", "stretch-marks", "es"),  # singular, capitals
    ("es", "embarazos", "stretch-marks", "es"),  # plural of the text's embarazo
    ("es", "cicatriz", "acne", "es"),
    ("es", "mascarilla", "acne", "es"),
    ("es", "sunscreen", "sunburn", "en"),  # English-only article, found in English
    ("de", "dehnungsstreifen", "stretch-marks", "de"),
    ("de", "Schwangerschaften", "stretch-marks", "de"),  # plural of Schwangerschaft
    ("de", "wachstumsschube", "stretch-marks", "de"),  # ü typed as u
    ("de", "Narbe", "acne", "de"),
    ("ar", "علامات التمدد", "stretch-marks", "ar"),
    ("ar", "عَلامَاتُ", "stretch-marks", "ar"),  # with short vowels
    ("ar", "الاسباب", "stretch-marks", "ar"),  # alef without its hamza (الأسباب)
    ("ar", "حب الشباب", "acne", "ar"),
    ("zh-Hans", "妊娠纹", "stretch-marks", "zh-Hans"),  # no spaces anywhere
    ("zh-Hans", "体重增加", "stretch-marks", "zh-Hans"),  # words apart in the text
    ("zh-Hans", "口罩", "acne", "zh-Hans"),
    ("zh-Hans", "sunscreen", "sunburn", "en"),
]


@pytest.mark.parametrize(("lang", "q", "first", "language"), QUERIES)
def test_query_table(search, lang, q, first, language):
    body = search(q, lang)
    assert body["language"] == lang
    hit = body["hits"][0]
    assert (hit["article"]["slug"], hit["language"]) == (first, language)


def test_a_hit_names_its_article_section_and_canonical_url(search):
    hit = search("pregnancy")["hits"][0]
    assert hit["article"] == {
        "slug": "stretch-marks",
        "title": "Stretch marks",
        "language": "en",
        "url": "/v1/articles/stretch-marks?lang=en",
    }
    assert hit["section"] == {"id": "causes", "heading": "Causes", "position": 2}
    assert hit["url"] == "/v1/articles/stretch-marks/sections/causes?lang=en"
    assert hit["snippet"]["text"].startswith("Pregnancy, growth spurts")
    assert highlighted(hit) == ["Pregnancy"]


def test_highlights_mark_the_words_as_written(search):
    # The word, and "estira" one edit away (a typo of it, for all the engine knows).
    assert highlighted(search("estria", "es")["hits"][0]) == ["estrías", "estira"]
    assert highlighted(search("الاسباب", "ar")["hits"][0]) == []  # a heading match only
    body = search("التمدد", "ar")
    assert body["direction"] == "rtl"
    assert body["hits"][0]["direction"] == "rtl"
    assert "التمدد" in highlighted(body["hits"][0])
    # A CJK word's overlapping pairs are one span.
    assert highlighted(search("妊娠纹", "zh-Hans")["hits"][0]) == ["妊娠纹"]
    assert highlighted(search("pregnency")["hits"][0]) == ["Pregnancy"]


def test_exact_matches_rank_above_typos_and_titles_above_text(search):
    masks = [hit["article"]["slug"] for hit in search("masks")["hits"]]
    assert masks[0] == "acne"
    assert "stretch-marks" in masks
    stretch = [hit["article"]["slug"] for hit in search("stretch marks")["hits"]]
    assert stretch.index("acne") > stretch.index("stretch-marks")
    assert search("acme")["hits"] == []  # four letters: no typo allowed


def test_a_language_finds_its_own_text_not_the_english(search):
    # "pregnancy" is in the English of an article Spanish has: Spanish searches the Spanish.
    assert search("pregnancy", "es")["hits"] == []
    hit = search("sunscreen", "es")["hits"][0]
    assert (hit["article"]["language"], hit["language"]) == ("en", "en")
    assert hit["url"] == "/v1/articles/sunburn/sections/overview?lang=en"


def test_one_edit_never_crosses_languages(search):
    # "embarazing" stems in English to "embaraz", the Spanish stem of the Spanish text's
    # "embarazo": one edit apart only when terms carried their language as a prefix
    # ("en:embaraz", "es:embaraz"). The English analysis is for English text only.
    assert search("embarazing", "es")["hits"] == []
    # Its Spanish stem, one edit away, is found as a typo in Spanish.
    assert search("embarazoo", "es")["hits"][0]["article"]["slug"] == "stretch-marks"


@pytest.mark.parametrize("q", ["laser", "láser", "LÁSER"])
def test_stopwords_are_dropped_so_a_stem_does_not_match_them(search, q):
    # Spanish "láser" stems to "las", the article "las", which the text has five times.
    hits = search(q, "es")["hits"]
    assert [hit["section"]["id"] for hit in hits] == ["treatment"]
    assert highlighted(hits[0]) == ["láser"]


def test_a_query_of_stopwords_only_finds_nothing(search):
    body = search("las de el", "es")
    assert body["hits"] == []
    assert body["pagination"]["total_hits"] == 0
    assert search("the", "en")["hits"] == []


def test_pages_are_as_the_schema_dumps_and_validates_them(search):
    """Pages are written without a marshmallow dump or JSON Schema check per request:
    what they hold is what both would give."""
    for lang, q, *_ in [*QUERIES, ("en", "hats", None, None), ("es", "estria", None, None)]:
        body = search(q, lang)
        assert validated_dump(SEARCH_SCHEMA, body, q) == body
        assert list(validated_dump(SEARCH_SCHEMA, body, q)) == list(body)


def test_also_called_names_find_the_article_as_titles_do(search):
    assert search("striae")["hits"][0]["article"]["slug"] == "stretch-marks"
    assert search("pimples")["hits"][0]["article"]["slug"] == "acne"
    assert search("Granos", "es")["hits"][0]["article"]["slug"] == "acne"


def test_article_parameter_searches_one_article(search):
    hits = search("skin", article="acne")["hits"]
    assert hits
    assert {hit["article"]["slug"] for hit in hits} == {"acne"}
    assert search("skin", article="nope", expected=404)["type"].endswith("article-not-found")


@pytest.mark.parametrize(
    "url",
    [
        "/v1/search",
        "/v1/search?q=",
        "/v1/search?q=%20%20",
        "/v1/search?q=skin&q=acne",
    ],
)
def test_a_missing_or_repeated_query_is_a_400(search, url):
    response = search.client.get(url)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:patient-info:problem:invalid-query"
    assert problem["detail"] == 'Give the words to search for once, in the "q" parameter.'


@pytest.mark.parametrize("q", ["a" * 201, " ".join(["skin"] * 33), "skin " * 1000, "妊" * 10_000])
def test_an_overlong_query_is_a_400_at_once(search, q):
    started = time.monotonic()
    problem = search(q, expected=400)
    assert time.monotonic() - started < 0.5
    assert problem["detail"] == ('The "q" parameter may hold at most 200 characters and 32 words.')


@pytest.mark.parametrize(
    "q", ["(.*)+[a-z]{1,99}\\", "*?", '"stretch', "妊娠纹" * 66, "skin " * 32, "\u0000x"]
)
def test_pathological_queries_are_answered_fast(search, q):
    started = time.monotonic()
    search(q[:200])
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("url", "status", "problem"),
    [
        ("/v1/search?q=skin&sort=date", 400, "unknown-parameter"),
        ("/v1/search?q=skin&article=acne&article=sunburn", 400, "bad-request"),
        ("/v1/search?q=skin&page=0", 400, "invalid-page"),
        ("/v1/search?q=skin&page=2", 404, "page-not-found"),
        ("/v1/search?q=skin&page=51", 404, "page-not-found"),
        ("/v1/search?q=skin&lang=", 400, "invalid-language"),
    ],
)
def test_bad_parameters(search, url, status, problem):
    response = search.client.get(url)
    assert response.status_code == status
    assert response.get_json()["type"] == f"urn:patient-info:problem:{problem}"


def test_no_match_is_an_empty_page(search):
    body = search("zzzzzz")
    assert body["hits"] == []
    assert body["pagination"] == {"page": 1, "per_page": 10, "total_hits": 0, "total_pages": 1}


def test_pages_links_etag_and_304(search):
    client = search.client
    first = client.get("/v1/search?q=hats&lang=en")
    body = first.get_json()
    assert body["pagination"] == {"page": 1, "per_page": 10, "total_hits": 14, "total_pages": 2}
    assert len(body["hits"]) == 10
    assert first.headers["Link"] == (
        '</v1/search?q=hats&lang=en>; rel="first", '
        '</v1/search?q=hats&page=2&lang=en>; rel="next", '
        '</v1/search?q=hats&page=2&lang=en>; rel="last"'
    )
    assert first.headers["Content-Location"] == "/v1/search?q=hats&lang=en"
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert "Accept-Language" in first.headers["Vary"]
    second = client.get("/v1/search?q=hats&lang=en&page=2").get_json()
    assert len(second["hits"]) == 4
    slugs = [hit["article"]["slug"] for hit in body["hits"] + second["hits"]]
    assert sorted(slugs) == [f"hats-{number:02d}" for number in range(1, PAGING_ARTICLES + 1)]
    etag = first.headers["ETag"]
    again = client.get("/v1/search?q=hats&lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    spanish = client.get("/v1/search?q=hats", headers={"Accept-Language": "es"})
    assert spanish.headers["ETag"] != etag
    assert spanish.get_json()["hits"][0]["language"] == "en"


@pytest.mark.parametrize("accept_language", [None, "es-MX"])
def test_gzip_twin_is_compressed_when_first_asked(search, accept_language):
    """A page is built per query and compressed only when a request takes gzip: the
    twin holds the identity bytes and is kept with the page (the same bytes again)."""
    url = "/v1/search?q=hats" + ("" if accept_language else "&lang=en")
    headers = {"Accept-Language": accept_language} if accept_language else {}
    plain = search.client.get(url, headers=headers)
    zipped = search.client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
    again = search.client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.data) == plain.data
    assert again.data == zipped.data
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)
    for response in (plain, zipped):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert zipped.headers["ETag"] not in (plain.headers["ETag"], None)
    assert (plain.get_json().get("requested_language"), zipped.headers["Content-Language"]) == (
        accept_language,
        "es, en" if accept_language else "en",
    )


FILLER = "Plain words fill this long paragraph so that the window has to move along. "


@pytest.fixture(scope="module")
def long_section(tmp_path_factory):
    """An English article of one long section (about 2,300 characters), with words at
    known places: where a snippet's window goes is judged from the text."""
    content = tmp_path_factory.mktemp("long-section") / "articles"
    shutil.copytree(REPOSITORY_DIR / "service" / "content" / "articles", content)
    text = "".join(
        [
            FILLER * 2,
            "A glacier is mentioned here alone. ",
            FILLER * 10,
            "The glacier meets the fjord and the fjord meets the glacier. ",
            FILLER * 3,
            "Only here does the zeppelin appear. ",
            FILLER * 12,
            "The last words.",
        ]
    )
    (content / "long.md").write_text(
        "---\nslug: long\ntitle: Expedition\nclinical_review: not_reviewed\ncodes: []\n---\n\n"
        + text
        + "\n",
        encoding="utf-8",
    )
    client = create_app({"CONTENT_DIR": content}).test_client()

    def snippet(q: str) -> dict:
        (hit,) = client.get(f"/v1/search?q={quote(q)}&article=long").get_json()["hits"]
        return hit["snippet"]

    return text, snippet


def test_a_snippet_moves_to_a_late_match_and_marks_it(long_section):
    text, snippet = long_section
    found = snippet("zeppelin")
    assert found["text"].startswith("…")
    assert found["text"].endswith("…")
    assert len(found["text"]) <= SNIPPET_CHARACTERS + 2
    assert found["text"][1:-1] in text
    assert highlighted({"snippet": found}) == ["zeppelin"]
    # About LEAD_CHARACTERS of text before the match, cut at a word's start.
    assert 0 < found["text"].index("zeppelin") - 1 <= LEAD_CHARACTERS


def test_a_snippet_holds_the_most_distinct_words_it_can(long_section):
    _, snippet = long_section
    found = snippet("glacier fjord")
    # Not the first glacier (alone), but the sentence with both words, each marked.
    assert highlighted({"snippet": found}) == ["glacier", "fjord", "fjord", "glacier"]


def test_a_snippet_of_text_without_the_words_is_its_start(long_section):
    text, snippet = long_section
    found = snippet("expedition")  # the title only
    assert found["highlights"] == []
    assert found["text"].endswith("…")
    assert text.startswith(found["text"][:-1])


@pytest.mark.parametrize("q", ["estria", "estrías"])
def test_the_shipped_article_is_found_in_spanish_with_the_word_marked(client, q):
    response = client.get(f"/v1/search?q={quote(q)}&lang=es")
    body = response.get_json()
    assert body["hits"]
    assert {hit["article"]["slug"] for hit in body["hits"]} == {SLUG}
    marked = {word for hit in body["hits"] for word in highlighted(hit)}
    assert marked <= {"estrías", "estría", "Estrías"}
    assert "estrías" in marked


# The patient's everyday word for stretch marks in each shipped language, as the shipped
# article's text spells it (or a form of it): each finds the article.
EVERYDAY_WORDS = {
    "en": "stretch marks",
    "ar": "علامات التمدد",
    "bn": "স্ট্রেচ মার্ক",
    "de": "Dehnungsstreifen",
    "es": "estrias",
    "fa": "ترک های پوستی",
    "fil": "stretch marks",
    "fr": "vergeture",
    "hi": "स्ट्रेच मार्क्स",
    "ht": "mak detire",
    "it": "smagliature",
    "ja": "肉割れ",
    "ko": "튼살",
    "pl": "rozstepy",
    "pt-BR": "estria",
    "ru": "растяжки",
    "uk": "розтяжки",
    "ur": "اسٹریچ مارکس",
    "vi": "vet ran da",
    "zh-Hans": "膨胀纹",
    "zh-Hant": "膨脹紋",
}


@pytest.mark.parametrize(("lang", "q"), EVERYDAY_WORDS.items())
def test_the_everyday_word_finds_the_shipped_article_in_every_language(client, lang, q):
    body = client.get(f"/v1/search?q={quote(q)}&lang={lang}").get_json()
    assert body["language"] == lang
    assert body["hits"]
    assert body["hits"][0]["article"]["slug"] == SLUG
    assert body["hits"][0]["language"] == lang
    assert any(highlighted(hit) for hit in body["hits"])


def test_two_workers_serve_a_compiled_index_and_hup_reloads_it(tmp_path, corpus):
    """gunicorn with two workers over a compiled store: each worker opens the index
    after the fork; a HUP after `make store` serves the new index; a HUP with a store
    whose index is gone is refused, and the old index keeps serving."""
    content, translations = corpus
    content = Path(shutil.copytree(content, tmp_path / "articles"))
    config = {
        "CONTENT_DIR": content,
        "TRANSLATIONS_DIR": translations,
        "STORE_PATH": str(tmp_path / "build" / "store.pickle"),
    }
    app = create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations})
    compile_store(app.config, Path(config["STORE_PATH"]))
    environ = {name: str(value) for name, value in config.items()}
    with running_gunicorn(tmp_path, None, WEB_CONCURRENCY="2", **environ) as server:

        def slugs(q: str) -> list[str]:
            status, _, body = server.fetch(f"/v1/search?q={quote(q)}&lang=es")
            assert status == 200
            return [hit["article"]["slug"] for hit in json.loads(body)["hits"]]

        answers = {json.dumps(slugs("estrias")) for _ in range(20)}
        assert answers == {json.dumps(["stretch-marks"] * 3 + ["acne"])}
        acne = content / "acne.md"
        acne.write_text(acne.read_text().replace("oily skin", "oily skin, blackheads"))
        app.config["CONTENT_DIR"] = content
        compile_store(app.config, Path(config["STORE_PATH"]))
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for(lambda: slugs("blackheads") == ["acne"])
        assert all(slugs("blackheads") == ["acne"] for _ in range(10))
        # The next store's index is lost: that store is refused, the serving one stays.
        acne.write_text(acne.read_text().replace("blackheads", "blackheads, whiteheads"))
        compile_store(app.config, Path(config["STORE_PATH"]))
        header = Path(config["STORE_PATH"]).read_bytes().split(b"\n", 1)[0]
        index = json.loads(header.split(b" ", 1)[1])["search_index"]
        shutil.rmtree(Path(config["STORE_PATH"]).with_name(index))
        with pytest.raises(StoreError, match="search index"):
            load_store(app.config, Path(config["STORE_PATH"]))
        os.kill(server.process.pid, signal.SIGHUP)
        time.sleep(3)
        assert all(slugs("blackheads") == ["acne"] for _ in range(10))
        assert slugs("whiteheads") == []
        assert b"reload refused" in server.log_path.read_bytes()


def test_hup_rebuilds_an_in_process_index(tmp_path, corpus):
    """Without STORE_PATH the master builds the index; a HUP rebuilds it with the
    content, and a broken article keeps the previous content and index serving."""
    content, translations = corpus
    content = Path(shutil.copytree(content, tmp_path / "articles"))
    environ = {"CONTENT_DIR": str(content), "TRANSLATIONS_DIR": str(translations)}
    with running_gunicorn(tmp_path, None, WEB_CONCURRENCY="2", **environ) as server:

        def slugs(q: str) -> list[str]:
            status, _, body = server.fetch(f"/v1/search?q={quote(q)}")
            assert status == 200
            return [hit["article"]["slug"] for hit in json.loads(body)["hits"]]

        assert slugs("blackheads") == []
        acne = content / "acne.md"
        acne.write_text(acne.read_text().replace("oily skin", "oily skin, blackheads"))
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for(lambda: slugs("blackheads") == ["acne"])
        (content / "broken.md").write_text("---\nslug: broken\n---\n")
        os.kill(server.process.pid, signal.SIGHUP)
        time.sleep(3)
        assert all(slugs("blackheads") == ["acne"] for _ in range(10))


def test_an_index_on_a_read_only_filesystem_is_searched(tmp_path, corpus):
    """A container's read-only root (readOnlyRootFilesystem): tantivy takes a lock file
    even to read, so the index is opened through a temporary directory of links."""
    content, translations = corpus
    config = create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations}).config
    writable, read_only = tmp_path / "writable", tmp_path / "read-only"
    read_only.mkdir()
    compile_store(config, writable / "store.pickle")
    mounted = subprocess.run(["mount", "--bind", str(writable), str(read_only)], check=False)
    if mounted.returncode:
        pytest.skip("needs a bind mount (root)")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(read_only)], check=True)
        store = load_store(config, read_only / "store.pickle")
        assert store.search is not None
        assert store.search.directory.parent != read_only
        query = Query.of("estrias", ("es", "en"))
        assert store.search.search(query, "es", None, 0, 10)[0] == 4
    finally:
        subprocess.run(["umount", "--lazy", str(read_only)], check=True)  # the index is mapped
