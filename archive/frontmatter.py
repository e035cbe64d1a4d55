"""Front matter before a body: YAML, TOML or Pelican-style 'Key: value' lines, size-limited, and
read without running any YAML tag."""

from __future__ import annotations

import re
import tomllib

import yaml

MAX_FRONT_MATTER = 256 * 1024  # bytes of YAML or TOML before the body


# Pelican and MultiMarkdown headers: "Title: …" lines at the very top, ended by a blank line.
HEADER_LINE = re.compile(r"^([A-Za-z][\w -]{0,30}):[ \t]*(.*)$")
# A header starts with one of these; its other keys may be any (Pelican's are the site's own:
# "Number: 308", "Series: …"), as long as every line until the blank one is 'Key: value'.
FIRST_KEYS = frozenset({"title", "author", "authors", "date"})


MAX_HEADER_LINES = 40


def key_value_header(text: str) -> tuple[dict, str, list[str]]:
    """A Pelican/MultiMarkdown header: every line 'Key: value', the first one Title, Author or
    Date, then a blank line."""
    lines = text.lstrip("\ufeff").split("\n", MAX_HEADER_LINES + 1)
    data: dict[str, str] = {}
    for number, line in enumerate(lines[: MAX_HEADER_LINES + 1]):
        if not line.strip():
            if data:
                return data, "\n".join(lines[number:]), []
            break
        match = HEADER_LINE.match(line.rstrip("\r"))
        key = match[1].strip().lower() if match else None
        if key is None or (not data and key not in FIRST_KEYS):
            break
        data[key] = match[2].strip()
    return {}, text, []


class FrontMatterLoader(yaml.SafeLoader):
    """YAML as front matter needs it: no aliases (an alias bomb expands a few lines into
    gigabytes), and numbers and dates kept as written (strings), so that '0000-00-00' or a
    100,000-digit volume reach the validation in Metadata instead of crashing the loader."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag.rsplit(":", 1)[-1] in ("bool", "null")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml(text: str):
    """YAML front matter; failing that, the same without whitespace at its lines' ends (a tab
    left after a value is an error to YAML, and lost a whole block of a real post's metadata)."""
    try:
        return yaml.load(text, Loader=FrontMatterLoader)
    except yaml.YAMLError:
        trimmed = re.sub(r"[ \t]+$", "", text, flags=re.M)
        if trimmed == text:
            raise
        return yaml.load(trimmed, Loader=FrontMatterLoader)


def split_front_matter(text: str) -> tuple[dict, str, list[str]]:
    """Front matter (YAML between --- lines, or TOML between +++), the body, and warnings."""
    match = re.match(  # blank lines before it are allowed (Hugo reads such files)
        r"\A(?:[ \t]*\r?\n)*(---|\+\+\+)[ \t]*\r?\n(?:(.*?)\r?\n)??(---|\.\.\.|\+\+\+)[ \t]*(\r?\n|\Z)",
        text,
        re.S,
    )
    if not match:
        return key_value_header(text)
    if not (match[2] or "").strip():  # empty front matter: "---" then "---"
        return {}, text[match.end() :], []
    body = text[match.end() :]
    if len(match[2]) > MAX_FRONT_MATTER:
        return {}, body, [f"front matter is over {MAX_FRONT_MATTER // 1024} KB and was ignored"]
    try:
        if match[1] == "+++":
            data = tomllib.loads(match[2])
        else:
            data = _yaml(match[2])
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as error:
        reason = str(error).splitlines()[0]
        return {}, body, [f"front matter is not valid and was ignored ({reason})"]
    except RecursionError:
        return {}, body, ["front matter nests too deeply to read and was ignored"]
    if not isinstance(data, dict):  # a horizontal rule opening the text, not front matter
        return {}, text, []
    return data, body, []
