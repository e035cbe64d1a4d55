// Progressive enhancement: "/" focuses search, live results (the results page's own HTML), copy
// buttons, the compact Cite panel.
// Everything works without this file; it only adds speed and convenience.
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    const box = document.getElementById("q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // On a phone the filters start folded above the results ("Filter"); open on a wide screen.
  function foldFilters(root) {
    if (!window.matchMedia("(max-width: 48rem)").matches) { return; }
    root.querySelectorAll("details.filters").forEach(function (details) { details.open = false; });
  }
  foldFilters(document);

  // The Cite panel shows one style, cited by page or by ¶, at a time; the choice is remembered.
  function compactCitePanel(panel) {
    const controls = panel.querySelector(".cite-controls");
    if (!controls) { return; }
    const select = controls.querySelector("#cite-style");
    const radios = controls.querySelectorAll("input[name=cite-by]");
    const asked = new URLSearchParams(location.search).get("style");
    const remembered = function (key) { try { return localStorage.getItem(key); } catch (e) { return null; } };
    const remember = function (key, value) { try { localStorage.setItem(key, value); } catch (e) {} };
    const wanted = asked || remembered("archive-cite-style");
    if (wanted && select.querySelector('option[value="' + CSS.escape(wanted.toLowerCase()) + '"]')) { select.value = wanted.toLowerCase(); }
    const by = remembered("archive-cite-by");
    radios.forEach(function (radio) { if (radio.value === by) { radio.checked = true; } });
    function show() {
      const checked = controls.querySelector("input[name=cite-by]:checked");
      panel.querySelectorAll(".style-block").forEach(function (block) {
        block.hidden = block.dataset.style !== select.value;
        block.querySelectorAll("[data-locator]").forEach(function (row) {
          row.hidden = checked !== null && row.dataset.locator !== checked.value;
        });
      });
    }
    select.addEventListener("change", function () { remember("archive-cite-style", select.value); show(); });
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () { remember("archive-cite-by", radio.value); show(); });
    });
    controls.hidden = false;
    show();
  }
  document.querySelectorAll(".cite-panel").forEach(compactCitePanel);

  function copyButtons(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          button.classList.add("done");
          button.firstChild.textContent = "Copied";
          setTimeout(function () { button.classList.remove("done"); button.firstChild.textContent = "Copy"; }, 1500);
        });
      });
    });
  }

  // Live search: as you type, the real results page is fetched and its results (hits, facets,
  // pager, did-you-mean, Cite links) replace these, so typing keeps everything the page has.
  // The URL follows (replaced while typing, pushed on submit or a new sort) and Back restores
  // it; an answer overtaken by a newer request is dropped; an emptied box returns home.
  // The longest address sent: the server reads request lines of up to 8,190 bytes, less
  // "GET " and " HTTP/1.1" and a margin.
  const MAX_ADDRESS = 8000;
  const MAX_QUERY = 1000;  // characters of a query the server searches (engine/query.py)
  function liveSearch(form) {
    const box = form.querySelector("input[type=search]");
    const target = document.getElementById("live-results");
    if (!box || !target) return;
    const home = location.pathname === "/";
    const initial = target.innerHTML;
    let timer = null, latest = 0, typing = false;
    function address() {
      const data = new FormData(form);
      const url = function () { return form.getAttribute("action") + "?" + new URLSearchParams(data).toString(); };
      if (url().length <= MAX_ADDRESS) return url();
      // Too long for the server's request line (a pasted page of Chinese is 9 bytes a
      // character): keep as many whole characters as fit, at most the server's query limit, at
      // a space where there is one, and say how long the query was so the results page can
      // tell the user it was cut (once).
      const typed = Array.from(box.value);
      data.set("typed", String(typed.length));
      let low = 0, high = Math.min(typed.length, MAX_QUERY);
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        data.set("q", typed.slice(0, middle).join(""));
        if (url().length <= MAX_ADDRESS) low = middle; else high = middle - 1;
      }
      let kept = typed.slice(0, low).join("");
      const space = kept.lastIndexOf(" ");
      if (space > kept.length / 2) kept = kept.slice(0, space);
      data.set("q", kept);
      return url();
    }
    function load(url, how) {
      const ticket = ++latest;
      fetch(url, {headers: {Accept: "text/html"}})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (ticket !== latest) return;
          const page = new DOMParser().parseFromString(html, "text/html");
          const fresh = page.getElementById("live-results");
          if (!fresh) {  // not a results page: the server refused the request (a query too long)
            target.innerHTML = '<p class="message error" role="alert">This search could not be run. Shorten it and try again.</p>';
            return;
          }
          target.replaceChildren.apply(target, Array.from(fresh.childNodes).map(function (node) {
            return document.importNode(node, true);
          }));
          const here = location.pathname + location.search;
          if (how === "push" && url !== here) history.pushState({live: true}, "", url);
          else if (how) history.replaceState({live: true}, "", url);
          shown = location.pathname + location.search;
          document.title = page.title;
          enhance(target);
        })
        .catch(function () {});
    }
    function emptied() {
      latest++;
      target.innerHTML = home ? initial : '<p class="message">Type one or more words to search the archive.</p>';
      history.replaceState(null, "", home ? "/" : "/search");
      shown = location.pathname + location.search;
      enhance(target);
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!box.value.trim()) { emptied(); typing = false; return; }
        load(address(), typing ? "replace" : "push");  // a new entry when a search begins
        typing = true;
      }, 250);
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { if (box.value.trim()) load(address(), "push"); });
    });
    form.addEventListener("submit", function (event) {
      if (!box.value.trim()) return;
      event.preventDefault();
      clearTimeout(timer);
      typing = false;
      load(address(), "push");
    });
    let shown = location.pathname + location.search;  // what the results are for (hash aside)
    window.addEventListener("popstate", function () {
      const now = location.pathname + location.search;
      if (now === shown) return;  // only the #fragment changed (a skip link, a note call)
      shown = now;
      if (location.pathname === "/search") {
        const params = new URLSearchParams(location.search);
        box.value = params.get("q") || "";
        form.querySelectorAll("select").forEach(function (select) {
          select.value = params.get(select.name) || select.options[0].value;
        });
        load(location.href, null);
      } else if (home) {
        latest++;
        box.value = "";
        target.innerHTML = initial;
      }
    });
  }

  // What fresh results need: copy buttons, folded filters on a phone, the export selection.
  function enhance(root) {
    copyButtons(root);
    foldFilters(root);
    root.querySelectorAll("form#export-selected").forEach(selection);
  }

  // The citation style picker: titles of matching styles as you type (from /api/styles), and
  // the last style shown remembered for the next passage.
  function stylePicker(input) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    if (input.value) {
      try { localStorage.setItem("archive-style", input.value); } catch (e) {}
    } else {
      try { input.value = localStorage.getItem("archive-style") || ""; } catch (e) {}
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(input.dataset.styles + "?q=" + encodeURIComponent(input.value), {headers: {Accept: "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (styles) {
            list.replaceChildren.apply(list, styles.map(function (style) {
              const option = document.createElement("option");
              option.value = style.id;
              option.label = style.title;
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  }

  // Hits selected for export, kept across result pages (and searches) until exported or cleared.
  function selection(form) {
    const key = "archive-selected";
    const read = function () { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } };
    const write = function (ids) { try { localStorage.setItem(key, JSON.stringify(ids)); } catch (e) {} };
    const boxes = document.querySelectorAll('input[form="' + form.id + '"][name="ids"]');
    const count = form.querySelector(".selected-count");
    const clear = form.querySelector(".clear-selection");
    function show() {
      const n = read().length;
      count.textContent = n ? n + " selected" : "";
      clear.hidden = !n;
    }
    boxes.forEach(function (box) {
      box.checked = read().indexOf(box.value) !== -1;
      box.addEventListener("change", function () {
        const ids = read().filter(function (id) { return id !== box.value; });
        if (box.checked) ids.push(box.value);
        write(ids);
        show();
      });
    });
    form.addEventListener("submit", function () {
      form.querySelectorAll("input.kept").forEach(function (input) { input.remove(); });
      const here = Array.prototype.map.call(boxes, function (box) { return box.value; });
      read().filter(function (id) { return here.indexOf(id) === -1; }).forEach(function (id) {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = "ids"; input.value = id; input.className = "kept";
        form.appendChild(input);
      });
    });
    clear.addEventListener("click", function () {
      write([]);
      boxes.forEach(function (box) { box.checked = false; });
      show();
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    copyButtons(document);
    document.querySelectorAll("form#export-selected").forEach(selection);
    document.querySelectorAll("form[data-live]").forEach(liveSearch);
    document.querySelectorAll("input[data-styles]").forEach(stylePicker);
  });
})();
