from cairn.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Bold** and *em*\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<strong>Bold</strong>" in html and "<li>one</li>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_a_script_in_a_narrative_is_inert():
    html = render_markdown('<script>alert("x")</script><img src=x onerror=alert(1)> <b onclick="x()">b</b>')
    assert "<script" not in html and "<img" not in html and "onclick" not in html and "onerror=" not in html


def test_javascript_links_lose_their_target():
    html = render_markdown("[click](javascript:alert(1))")
    assert "javascript:" not in html
