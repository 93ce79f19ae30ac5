from cairn.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Bold** and *em*\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<strong>Bold</strong>" in html and "<li>one</li>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_a_script_in_a_narrative_is_inert():
    html = render_markdown('<script>alert("x")</script><img src=x onerror=alert(1)> <b onclick="x()">b</b>')
    # Raw HTML comes out as visible text, never as elements or attributes.
    assert "<script" not in html and "<img" not in html and "<b onclick" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_lose_their_target():
    html = render_markdown("[click](javascript:alert(1))")
    assert "href=" not in html
