// Progressive enhancement: "/" focuses search, live results through /api/search, copy buttons.
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

  // Snippets are escaped text plus <mark>: rebuild them as nodes, never as HTML.
  function snippetNodes(snippet) {
    const fragment = document.createDocumentFragment();
    const parts = snippet.split(/<mark>|<\/mark>/);
    parts.forEach(function (part, i) {
      const text = document.createTextNode(new DOMParser().parseFromString(part, "text/html").documentElement.textContent);
      if (i % 2) { const mark = document.createElement("mark"); mark.appendChild(text); fragment.appendChild(mark); }
      else fragment.appendChild(text);
    });
    return fragment;
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function place(hit) {
    let label = hit.label;
    if (hit.page_start) label += hit.page_end && hit.page_end !== hit.page_start ? ", pp. " + hit.page_start + "–" + hit.page_end : ", p. " + hit.page_start;
    return label;
  }

  function renderLive(data, target, query) {
    target.textContent = "";
    if (data.error) { target.appendChild(el("p", {class: "message error", role: "alert"}, [data.error])); return; }
    const summary = data.total + " result" + (data.total === 1 ? "" : "s") + " · searched for " + data.interpreted;
    target.appendChild(el("p", {class: "summary"}, [summary, " · ", el("a", {href: "/search?q=" + encodeURIComponent(query)}, ["all results and filters"])]));
    if (data.corrected) target.appendChild(el("p", {class: "did-you-mean"}, ["Showing results for " + data.suggestion]));
    const list = el("ol", {class: "hit-list"});
    data.hits.forEach(function (hit) {
      const link = el("a", {href: hit.url});
      link.appendChild(snippetNodes(hit.snippet));
      list.appendChild(el("li", {class: "hit kind-" + hit.kind}, [
        el("p", {class: "hit-meta"}, [el("span", {class: "kind"}, [hit.kind]), hit.article_title + (hit.section ? " › " + hit.section : "") + " · " + place(hit)]),
        el("p", {class: "snippet"}, [link]),
      ]));
    });
    target.appendChild(list);
  }

  function liveSearch(form) {
    const box = form.querySelector("input[type=search]");
    const target = document.getElementById("live-results");
    if (!box || !target) return;
    let timer = null, controller = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const query = box.value.trim();
        if (!query) return;
        if (controller) controller.abort();
        controller = new AbortController();
        const params = new URLSearchParams(new FormData(form));
        params.set("size", "10");
        fetch("/api/search?" + params.toString(), {signal: controller.signal, headers: {Accept: "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            renderLive(data, target, query);
            history.replaceState(null, "", "/search?" + new URLSearchParams(new FormData(form)).toString());
          })
          .catch(function () {});
      }, 250);
    });
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
