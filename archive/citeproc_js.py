"""citeproc-js, the CSL engine of Zotero and Mendeley, run inside this process through V8.

mini-racer embeds V8 from a PyPI wheel, so no Node is needed at run time; the engine's code is
npm's `citeproc` package, installed into archive/csl by `make install` (npm ci). One V8 context
per process holds one CSL.Engine per style, built on first use (0.02–1.7 s) and reused
(a few ms a citation); rendered strings are cached. The context is created lazily, never before a
fork (a V8 context does not survive one), used only from the engine's own thread, and closed there
at exit: a context left open has hung the interpreter at exit, and one closed from another thread
crashed it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import queue
import re
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache
from html import unescape
from pathlib import Path

from .lru import LRU
from .styles import CSL_DIR, DEFAULT_LOCALE, Style, locale_file

CITEPROC_JS = CSL_DIR / "node_modules" / "citeproc" / "citeproc_commonjs.js"
BRIDGE_JS = CSL_DIR / "bridge.js"
LOCALES = {"en-US": CSL_DIR / "styles" / "locales-en-US.xml"}
CALL_SECONDS = 10  # a style that takes longer than this for one citation is broken or hostile
MEMORY_LIMIT = 512 * 1024 * 1024  # bytes of V8 heap for all engines of a process
CACHE_SIZE = 8192  # rendered citations kept per process
MARKUP = re.compile(r"<[^>]+>")
BLOCK_BREAK = re.compile(r"</div>\s*<div")


class CiteprocMissing(RuntimeError):
    """citeproc-js is not installed; the message says how to install it."""


class CiteprocError(RuntimeError):
    """citeproc-js could not render with this style (a broken .csl file, a timeout)."""


@dataclass(frozen=True)
class Rendered:
    """One style's output for some items: a citation (note or in-text form) and bibliography
    entries, in HTML and in plain text."""

    citation_html: str | None
    citation_text: str | None
    entries_html: tuple[str, ...]
    entries_text: tuple[str, ...]


class Engine:
    """A V8 context running citeproc-js, with the styles loaded into it so far.

    Every V8 call runs on one thread the engine owns (a context used or closed from another thread
    than the one that built its engines crashed the interpreter at exit): callers queue work and
    wait for it, which also serialises them."""

    def __init__(self):
        self._guard = threading.Lock()  # around starting the thread
        self._tasks: queue.Queue | None = None
        self._pid: int | None = None
        self._context = None
        self._styles: set[str] = set()
        self._locales: set[str] = set(LOCALES)
        self._cache = LRU(CACHE_SIZE)  # (bridge function, its key) -> rendered string

    def _run(self, function, *arguments):
        """`function(*arguments)` on the engine's thread, started on first use in this process."""
        with self._guard:
            if self._tasks is None or self._pid != os.getpid():  # a fork has no thread of ours
                self._tasks, self._pid, self._context = queue.Queue(), os.getpid(), None
                threading.Thread(target=_serve, args=(self._tasks,), name="citeproc-js", daemon=True).start()
            tasks = self._tasks
        done: Future = Future()
        tasks.put((function, arguments, done))
        return done.result()

    def _ready(self):
        """The context (on the engine's thread), created with citeproc-js and the bridge loaded."""
        if self._context is not None:
            return self._context
        if not CITEPROC_JS.is_file():
            raise CiteprocMissing(
                f"citeproc-js is not installed ({CITEPROC_JS} is missing): run `make install`, "
                "or `npm ci --prefix archive/csl`"
            )
        from py_mini_racer import MiniRacer

        context = MiniRacer()
        context.set_hard_memory_limit(MEMORY_LIMIT)
        context.eval("var module = {exports: {}}; var exports = module.exports;")
        context.eval(CITEPROC_JS.read_text(encoding="utf-8"))
        context.eval(BRIDGE_JS.read_text(encoding="utf-8"))
        for lang, path in LOCALES.items():
            context.call("archiveAddLocale", lang, path.read_text(encoding="utf-8"))
        self._context, self._styles, self._locales = context, set(), set(LOCALES)
        return context

    def render(self, style: Style, items: list[dict], cites: list[dict]) -> Rendered:
        """The citation of `cites` (may be empty) and the bibliography of `items` in `style`."""
        return self.render_many([(style, items, cites)])[0]

    def render_many(
        self, requests: list[tuple[Style, list[dict], list[dict]]], known: Mapping | None = None
    ) -> list[Rendered]:
        """render() of each (style, items, cites), the parts not cached (nor `known`: parts a build
        stored, see parts()) rendered in one call into V8: a passage's page cites one item at one
        or two locators in three styles, and each call into V8 and back waited for the interpreter
        lock (up to 5 ms while the page's other thread finds related passages). Each part is
        cached on its own, and each style's bibliography entry is made once."""
        return self._render(requests, known or {})[0]

    def parts(self, requests: list[tuple[Style, list[dict], list[dict]]]) -> dict:
        """The rendered strings render_many(requests) is made of, keyed as its `known` takes them
        (see portable)."""
        return {portable(part): value for part, value in self._render(requests, {})[1].items()}

    def _render(self, requests, known: Mapping) -> tuple[list[Rendered], dict]:
        plans = []  # (citation's Plan or None, bibliography part) of each request
        for style, items, cites in requests:
            items_json = json.dumps(items, sort_keys=True, ensure_ascii=False)
            version = f"{text_digest(style.xml())}/{renderer_version()}"
            where = (style.id, f"{style.path}", version, items_json)
            plan = Plan.of(where, cites, templated=prints_locator_as_given(style.xml())) if cites else None
            plans.append((plan, ("archiveBibliography", where)))
        done = self._values(
            [part for plan, bib in plans for part in (*(plan.parts if plan else ()), bib)], known
        )
        # A style that prints a whole number otherwise than as given: that citation is made itself.
        if alone := [plan.exact for plan, _ in plans if plan and plan.needs_exact(done)]:
            done.update(self._values(alone, known))
        rendered = []
        for plan, bibliography in plans:
            html = plan.html(done) if plan else None
            entries = json.loads(done[bibliography])
            rendered.append(
                Rendered(
                    html,
                    plain(html) if html is not None else None,
                    tuple(entry.strip() for entry in entries),
                    tuple(plain(entry).strip() for entry in entries),
                )
            )
        return rendered, done

    def _values(self, parts: list[tuple], known: Mapping) -> dict:
        """Each part's string: known, cached, or rendered (those in one call into V8)."""
        wanted = list(dict.fromkeys(parts))
        done = {part: known.get(portable(part)) or self._cache.get(part) for part in wanted}
        missing = [part for part, value in done.items() if value is None]
        if missing:
            failed = None
            for part, value in zip(missing, self._run(self._call_many, missing), strict=True):
                if isinstance(value, CiteprocError):  # the others are kept: the next page needs them
                    failed = failed or value
                    continue
                self._cache.put(part, value)
                done[part] = value
            if failed:
                raise failed
        return done

    def forget(self) -> None:
        """Drop every rendered string, so that the next are rendered again (tests)."""
        self._cache = LRU(CACHE_SIZE)

    def _call_many(self, parts: list[tuple[str, tuple[str, ...]]]) -> list[str | CiteprocError]:
        """Bridge calls made in one call into V8 (archiveBatch), each style loaded first (its
        engines built in calls of their own): each call's string, or the error its own call
        raises. When the batch fails (a style out of time or memory, a broken one), each part is
        made alone, so that only the broken style's fail."""
        from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException

        if len(parts) == 1:
            return [self._call_or_error(*parts[0])]
        batch = [[function, style_id, *arguments] for function, (style_id, _, _, *arguments) in parts]
        try:
            context = self._ready()
            for _, (style_id, path, version, *_arguments) in parts:
                self._load(context, style_id, path, version)
            # One call's time for all: a page's six take a few tens of ms, and a style that runs out
            # of time is then given its own call's time again, alone.
            results = json.loads(context.call("archiveBatch", json.dumps(batch), timeout_sec=CALL_SECONDS))
        except (UnicodeDecodeError, JSEvalException, JSTimeoutException, JSOOMException) as error:
            if isinstance(error, (JSOOMException, JSTimeoutException)):
                self._reset()
            return self._each_alone(parts)
        if any("error" in result for result in results):
            return self._each_alone(parts)
        return [result["value"] for result in results]

    def _each_alone(self, parts: list[tuple[str, tuple[str, ...]]]) -> list[str | CiteprocError]:
        """Each part in a call of its own; a style that failed once is not asked again (one out
        of time would take its whole time for each of its parts)."""
        failed: dict[str, CiteprocError] = {}
        made: list[str | CiteprocError] = []
        for function, key in parts:
            if key[0] not in failed:
                value = self._call_or_error(function, key)
                if isinstance(value, CiteprocError):
                    failed[key[0]] = value
            made.append(failed.get(key[0], value))
        return made

    def _call_or_error(self, function: str, key: tuple[str, ...]) -> str | CiteprocError:
        try:
            return self._call(function, key)
        except CiteprocError as error:
            return error

    def _load(self, context, style_id: str, path: str, version: str) -> None:
        """The style into the context with its engines built, unless this version of it is there
        (a style file edited on disk is loaded again)."""
        loaded = f"{style_id}@{version}"
        if loaded not in self._styles:
            xml = Path(path).read_text(encoding="utf-8")
            self._add_locale(context, xml)
            context.call("archiveAddStyle", style_id, xml, None)
            # Two engines (citations, bibliographies): a cold context took 6.5 s for Chicago's
            context.call("archivePrepare", style_id, timeout_sec=2 * CALL_SECONDS)
            self._styles = {s for s in self._styles if not s.startswith(f"{style_id}@")} | {loaded}

    def _call(self, function: str, key: tuple[str, ...]) -> str:
        style_id, path, version, *arguments = key
        from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException

        context = self._ready()
        loaded = f"{style_id}@{version}"
        try:
            self._load(context, style_id, path, version)
            return context.call(function, style_id, *arguments, timeout_sec=CALL_SECONDS)
        except UnicodeDecodeError as error:
            raise CiteprocError(f"citation style {style_id!r} is not UTF-8 text ({error.reason})") from error
        except (JSEvalException, JSTimeoutException, JSOOMException) as error:
            self._styles.discard(loaded)
            if isinstance(error, (JSOOMException, JSTimeoutException)):
                self._reset()  # a context out of memory or interrupted is not used again
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CiteprocError(f"citation style {style_id!r} could not be rendered: {reason}") from error

    def _add_locale(self, context, xml: str) -> None:
        """The style's default locale, when its file is available (else en-US terms are used)."""
        match = DEFAULT_LOCALE.search(xml[:4096])
        lang = match[1] if match else None
        if lang and lang not in self._locales and (path := locale_file(lang)):
            context.call("archiveAddLocale", lang, path.read_text(encoding="utf-8"))
            self._locales.add(lang)

    def _reset(self) -> None:
        if self._context is not None:
            self._context.close()
        self._context, self._styles = None, set()

    def close(self) -> None:
        """Close the context on its own thread and stop the thread (at exit, and in tests)."""
        with self._guard:
            tasks, mine = self._tasks, self._pid == os.getpid()
            self._tasks = None
        if tasks is not None and mine:
            done: Future = Future()
            tasks.put((self._reset, (), done))
            done.result()
            tasks.put(None)


# A citation at a whole-number locator (paragraph 14, page 115) is made from the item's citation at
# these two numbers: where the second is the first with its number replaced, the style prints the
# number as given, and any other is put in its place. So an article costs two citations per style
# and kind of locator, not one per passage, and a build can store them (cite.citation_parts). They
# differ in every digit and in their last: in English an ordinal (1st, 2nd) would differ by more
# than the digits, and such a style's citations are made one by one (see the next rule too).
TEMPLATE_NUMBERS = ("3141591", "2718282")
WHOLE_NUMBER = re.compile(r"[1-9][0-9]{0,5}\Z")
# A style that formats the locator as a number (<number variable="locator" form="ordinal"/>) is
# never templated: in French or German the two numbers' suffixes agree (1er is not 91e), so the
# test above cannot tell. No official style does; a corpus's own style may.
NUMBER_FORMATTED_LOCATOR = re.compile(r"""<number\b[^>]*\bvariable\s*=\s*["']locator["']""")


@cache
def prints_locator_as_given(xml: str) -> bool:
    """Whether a style's locator may be templated (read once per style text)."""
    return not NUMBER_FORMATTED_LOCATOR.search(xml)


@dataclass(frozen=True)
class Plan:
    """How a citation is made: itself (`exact`), or from its two template parts."""

    exact: tuple
    templates: tuple = ()  # the citations at TEMPLATE_NUMBERS, when the locator is a whole number
    number: str = ""

    @classmethod
    def of(cls, where: tuple, cites: list[dict], templated: bool = True) -> Plan:
        exact = ("archiveCitation", (*where, json.dumps(cites, sort_keys=True)))
        locator = str(cites[0].get("locator", "")) if len(cites) == 1 else ""
        if not templated or not WHOLE_NUMBER.match(locator):
            return cls(exact)
        templates = tuple(
            ("archiveCitation", (*where, json.dumps([{**cites[0], "locator": n}], sort_keys=True)))
            for n in TEMPLATE_NUMBERS
        )
        return cls(exact, templates, locator)

    @property
    def parts(self) -> tuple:
        return self.templates or (self.exact,)

    def template(self, done: Mapping) -> str | None:
        """The citation with TEMPLATE_NUMBERS[0] in the number's place, when the style prints
        numbers as given."""
        first, second = (done[part] for part in self.templates)
        one, other = TEMPLATE_NUMBERS
        return first if one in first and first.replace(one, other) == second else None

    def needs_exact(self, done: Mapping) -> bool:
        return bool(self.templates) and self.exact not in done and self.template(done) is None

    def html(self, done: Mapping) -> str:
        template = self.template(done) if self.templates else None
        return (
            template.replace(TEMPLATE_NUMBERS[0], self.number) if template is not None else done[self.exact]
        )


def portable(part: tuple) -> tuple:
    """A part's key as a build stores it: without the style file's path, so that an index built
    by one installation is cited from by another (a reinstall, a copy, another checkout)."""
    function, (style_id, _path, *rest) = part
    return (function, (style_id, *rest))


@cache
def text_digest(text: str) -> str:
    """A style's text, by content (read once per version of the file, see styles.style_xml)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@cache
def renderer_version() -> str:
    """citeproc-js, the bridge and the en-US locale as installed, by content: part of every
    rendered string's key, so strings a build stored are not served after an upgrade (and are
    after a reinstall of the same files, whose times and paths differ)."""
    digest = hashlib.sha256()
    for path in (CITEPROC_JS, BRIDGE_JS, *LOCALES.values()):
        content = path.read_bytes() if path.exists() else b""
        digest.update(f"{path.name}:{len(content) if path.exists() else -1}:".encode() + content)
    return digest.hexdigest()[:20]


def _serve(tasks: queue.Queue) -> None:
    """The engine's thread: run queued work until told to stop."""
    while (task := tasks.get()) is not None:
        function, arguments, done = task
        try:
            done.set_result(function(*arguments))
        except BaseException as error:  # handed to the caller, who raises it
            done.set_exception(error)


def plain(fragment: str) -> str:
    """citeproc-js's plain-text output is its HTML output without the markup (checked on every
    golden string), so one rendering serves both."""
    # A numbered style's entry is two blocks, number and text: "[1] Yu B., …", not "[1]Yu B.".
    return unescape(MARKUP.sub("", BLOCK_BREAK.sub("</div> <div", fragment)))


_engine = Engine()
atexit.register(_engine.close)


def engine() -> Engine:
    """The process's engine (a cache of V8 state, like a connection pool; see the docstring)."""
    return _engine
