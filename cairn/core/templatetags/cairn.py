from django import template
from django.utils.safestring import SafeString, mark_safe

from cairn.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ entry.text|markdown }}: Markdown rendered and sanitised (see cairn.core.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitised it
