// The archive's side of citeproc-js, evaluated in the V8 context right after
// citeproc_commonjs.js (which fills `module.exports` with the CSL object). One CSL.Engine per
// style is kept for the life of the context; each call renders previews from the items it is
// given, so no call sees another's items (updateItems replaces the engine's registry).
var CSL = module.exports;
var ARCHIVE = {locales: {}, styles: {}, engines: {}, items: {}};

var archiveSys = {
  retrieveLocale: function (lang) {
    return ARCHIVE.locales[lang] || ARCHIVE.locales[String(lang).split('-')[0]] || ARCHIVE.locales['en-US'];
  },
  retrieveItem: function (id) { return ARCHIVE.items[id]; }
};

function archiveAddLocale(lang, xml) { ARCHIVE.locales[lang] = xml; return true; }

function archiveAddStyle(id, xml, lang) {
  ARCHIVE.styles[id] = {xml: xml, lang: lang};
  delete ARCHIVE.engines[id];
  return true;
}

function archiveHasStyle(id) { return Object.prototype.hasOwnProperty.call(ARCHIVE.styles, id); }

function archiveEngine(id) {
  if (!ARCHIVE.engines[id]) {
    var style = ARCHIVE.styles[id];
    ARCHIVE.engines[id] = new CSL.Engine(archiveSys, style.xml, style.lang || undefined);
  }
  return ARCHIVE.engines[id];
}

// items: CSL-JSON items; cites: citation items ({id, locator, label}) for one citation, or [].
// Returns, for html and text: the citation (a note or in-text form) and the bibliography entries.
function archiveRender(id, itemsJson, citesJson) {
  var items = JSON.parse(itemsJson);
  var cites = JSON.parse(citesJson);
  ARCHIVE.items = {};
  items.forEach(function (item) { ARCHIVE.items[item.id] = item; });
  var engine = archiveEngine(id);
  var out = {};
  ['html', 'text'].forEach(function (format) {
    engine.setOutputFormat(format);
    engine.updateItems(items.map(function (item) { return item.id; }));
    var citation = null;
    if (cites.length) {
      citation = engine.previewCitationCluster(
        {citationItems: cites, properties: {noteIndex: 1}}, [], [], format);
    }
    var bibliography = engine.makeBibliography();  // false for a style with no bibliography
    out[format] = {citation: citation, entries: bibliography ? bibliography[1] : []};
  });
  return JSON.stringify(out);
}
