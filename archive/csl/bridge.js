// The archive's side of citeproc-js, evaluated in the V8 context right after
// citeproc_commonjs.js (which fills `module.exports` with the CSL object). One CSL.Engine per
// style is kept for the life of the context; a call names the items it cites, and the engine's
// registry is replaced (updateItems) whenever they differ from its last call's. Citations have
// an engine of their own per style, whose registry stays empty: makeCitationCluster reads items
// through retrieveItem and registers nothing, so a citation of a new article costs no
// updateItems (11 ms of Chicago's 31 per article), and no other article can disambiguate it.
var CSL = module.exports;
var ARCHIVE = {locales: {}, styles: {}, engines: {}, citers: {}};

function archiveLocale(lang) {
  return ARCHIVE.locales[lang] || ARCHIVE.locales[String(lang).split('-')[0]] || ARCHIVE.locales['en-US'];
}

function archiveAddLocale(lang, xml) { ARCHIVE.locales[lang] = xml; return true; }

function archiveAddStyle(id, xml, lang) {
  ARCHIVE.styles[id] = {xml: xml, lang: lang};
  delete ARCHIVE.engines[id];
  delete ARCHIVE.citers[id];
  return true;
}

function archiveNewEngine(id) {
  // Each engine has its own items, so that switching styles never changes another's registry.
  var sys = {items: {}, retrieveLocale: archiveLocale};
  sys.retrieveItem = function (itemId) { return sys.items[itemId]; };
  var style = ARCHIVE.styles[id];
  var engine = new CSL.Engine(sys, style.xml, style.lang || undefined);
  // The bibliography's sort keys (each item's sort macros, rendered) only order several items: a
  // passage's page asks for one, and they were a third of its bibliography entry's time.
  var setsortkeys = engine.registry.setsortkeys;
  engine.registry.setsortkeys = function () {
    if (this.mylist.length > 1) setsortkeys.call(this);
  };
  engine.archiveSys = sys;
  engine.setOutputFormat('html');
  return engine;
}

function archiveEngine(id) {
  if (!ARCHIVE.engines[id]) ARCHIVE.engines[id] = archiveNewEngine(id);
  return ARCHIVE.engines[id];
}

function archiveUse(id, itemsJson) {
  var engine = archiveEngine(id);
  if (engine.archiveItems !== itemsJson) {  // the registry already holds these items otherwise
    var items = JSON.parse(itemsJson);
    // Registered afresh: citeproc-js keeps each item it retrieved, so an article corrected under
    // the same id would be cited as it was (only the sort keys' pass looked its data up again).
    engine.updateItems([]);
    engine.registry.refhash = {};
    engine.tmp.loadedItemIDs = {};
    engine.tmp.taintedItemIDs = {};
    engine.archiveSys.items = {};
    items.forEach(function (item) { engine.archiveSys.items[item.id] = item; });
    engine.setOutputFormat('html');
    engine.updateItems(items.map(function (item) { return item.id; }));
    engine.archiveItems = itemsJson;
  }
  return engine;
}

// The citation of some of the items (citation items {id, locator, label}) as HTML: a note or
// in-text form, as a first reference. Plain text is the same with the markup taken out.
function archiveCitation(id, itemsJson, citesJson) {
  var style = ARCHIVE.styles[id];
  if (style.numbered === undefined) style.numbered = ARCHIVE_NUMBERED.test(style.xml);
  if (!style.numbered) {
    if (!ARCHIVE.citers[id]) ARCHIVE.citers[id] = archiveNewEngine(id);
    var engine = ARCHIVE.citers[id];
    // Forget the items it looked up before: citeproc-js keeps each item it retrieves (refhash)
    // for the life of the engine, so a corrected article would be cited as it was, and the
    // engine would grow with every article cited.
    engine.tmp.loadedItemIDs = {};
    engine.tmp.taintedItemIDs = {};
    engine.registry.refhash = {};
    engine.archiveSys.items = {};
    JSON.parse(itemsJson).forEach(function (item) { engine.archiveSys.items[item.id] = item; });
    try {
      return engine.makeCitationCluster(JSON.parse(citesJson));
    } catch (error) {  // a style that needs registered items after all: cite them registered
      delete ARCHIVE.citers[id];
      style.numbered = true;
    }
  }
  return archiveUse(id, itemsJson).makeCitationCluster(JSON.parse(citesJson));
}

// What only registered items have: their number in the bibliography ([1]), the note that first
// cited them, a label made unique among them.
var ARCHIVE_NUMBERED = /citation-number|first-reference-note-number|citation-label/;

// The bibliography entries of the items as HTML, sorted as the style sorts ([] for a style
// with no bibliography).
function archiveBibliography(id, itemsJson) {
  var bibliography = archiveUse(id, itemsJson).makeBibliography();
  return JSON.stringify(bibliography ? bibliography[1] : []);
}

// Builds a style's engines now, in a call of its own (and its own time), so that a batch of calls
// only renders: the first engine of a style takes up to seconds on a cold context.
function archivePrepare(id) {
  var style = ARCHIVE.styles[id];
  archiveEngine(id);
  if (style.numbered === undefined) style.numbered = ARCHIVE_NUMBERED.test(style.xml);
  if (!style.numbered && !ARCHIVE.citers[id]) ARCHIVE.citers[id] = archiveNewEngine(id);
  return true;
}

// Several bridge calls in one call from Python ([function, style id, arguments...] each), so that
// a passage's citations in three styles cross into V8 and back once. Each result is
// {value: ...} or {error: message}.
var ARCHIVE_BATCHED = {archiveCitation: archiveCitation, archiveBibliography: archiveBibliography};

function archiveBatch(callsJson) {
  return JSON.stringify(JSON.parse(callsJson).map(function (call) {
    var fn = ARCHIVE_BATCHED[call[0]];
    if (!fn) return {error: 'not a batched function: ' + call[0]};
    try {
      return {value: fn.apply(null, call.slice(1))};
    } catch (error) {
      return {error: String(error)};
    }
  }));
}
