from knowledge.chunking import chunk_document, chunk_id
from knowledge.documents import Document
from knowledge.tokens import count_tokens


def _doc(text: str) -> Document:
    return Document(id="doc-1", title="Ruter", text=text, language="nb")


def test_chunks_respect_the_token_budget_and_cover_the_text() -> None:
    para = "Start ruteren på nytt ved å trekke ut strømmen i ti sekunder. " * 12
    doc = _doc(f"# Feilsøking\n\n{para}\n\n## Fastvare\n\n{para}")
    chunks = chunk_document(doc, max_tokens=64, overlap=8)
    assert len(chunks) > 4
    assert all(c.tokens <= 64 for c in chunks)
    assert all(c.embed_text.startswith("Ruter\n") for c in chunks)
    assert {c.heading for c in chunks} == {"Feilsøking", "Feilsøking › Fastvare"}
    assert "Fastvare" not in chunks[0].text


def test_heading_sections_are_not_mixed() -> None:
    doc = _doc("# Retur\n\nReturner innen 30 dager.\n\n# Garanti\n\nTo års reklamasjonsrett.")
    chunks = chunk_document(doc, max_tokens=256, overlap=16)
    assert [c.heading for c in chunks] == ["Retur", "Garanti"]
    assert chunks[1].text == "To års reklamasjonsrett."


def test_overlap_repeats_the_end_of_the_previous_chunk() -> None:
    sentences = [f"Setning nummer {i} handler om levering." for i in range(40)]
    doc = _doc("\n\n".join(sentences))
    chunks = chunk_document(doc, max_tokens=60, overlap=20)
    last_of_first = chunks[0].text.split("\n\n")[-1]
    assert chunks[1].text.startswith(last_of_first)


def test_ids_are_deterministic_and_positional() -> None:
    doc = _doc("Kort tekst.")
    a = chunk_document(doc)
    b = chunk_document(doc)
    assert [c.id for c in a] == [c.id for c in b] == [chunk_id("doc-1", 0)]
    assert chunk_id("doc-1", 0) != chunk_id("doc-2", 0)


def test_run_on_text_is_split_by_tokens() -> None:
    doc = _doc("ord" * 2000)
    chunks = chunk_document(doc, max_tokens=100, overlap=0)
    assert len(chunks) > 3
    assert all(count_tokens(c.embed_text) <= 100 for c in chunks)
