// Expected citations from citeproc-js (the engine in Zotero and Mendeley) and the official CSL
// styles in styles/ (from the CSL styles repository, CC BY-SA 3.0). Reads
// tests/citations/cases.json, writes tests/citations/expected.json; the archive's tests compare
// archive/cite.py against that file, so the archive itself never needs Node.
//
// Run: make goldens   (or: cd tools/csl && npm ci && node generate.js)
//
// One adjustment, the same as archive/cite.py's: names written family name first ("Yu Bin")
// carry "static-ordering": true, which Chicago and MLA honour ("Yu Bin"). A style that inverts
// every name and initialises given names (APA: "Yu, B.") gets them without that flag, because
// citeproc-js drops the comma for static-ordering names ("Yu B.").
const fs = require('fs');
const path = require('path');
const CSL = require('citeproc');

const root = path.resolve(__dirname, '..', '..');
const styles = path.join(root, 'archive', 'csl', 'styles');
const locale = fs.readFileSync(path.join(styles, 'locales-en-US.xml'), 'utf8');
const cases = JSON.parse(fs.readFileSync(path.join(root, 'tests/citations/cases.json'), 'utf8'));
const STYLES = {chicago: 'chicago-notes-bibliography', apa: 'apa', mla: 'modern-language-association'};

function forStyle(item, style) {
  const xml = fs.readFileSync(path.join(styles, STYLES[style] + '.csl'), 'utf8');
  if (!(/name-as-sort-order="all"/.test(xml) && /initialize-with=/.test(xml))) return item;
  return {...item, author: (item.author || []).map(({'static-ordering': _, ...name}) => name)};
}

function render(style, item, citation, format) {
  const sys = {retrieveLocale: () => locale, retrieveItem: () => forStyle(item, style)};
  const engine = new CSL.Engine(sys, fs.readFileSync(path.join(styles, STYLES[style] + '.csl'), 'utf8'));
  engine.setOutputFormat(format);
  engine.updateItems([item.id]);
  const cite = {id: item.id, ...citation};
  const note = engine.previewCitationCluster({citationItems: [cite], properties: {noteIndex: 1}}, [], [], format);
  const bibliography = engine.makeBibliography()[1].join('').trim();
  return {citation: note, bibliography: format === 'html' ? bibliography.replace(/^<div class="csl-entry">|<\/div>$/g, '') : bibliography};
}

const expected = cases.map(({name, item, citations}) => ({
  name,
  results: citations.map((citation) => ({
    citation,
    ...Object.fromEntries(Object.keys(STYLES).map((style) => [style, {
      html: render(style, item, citation, 'html'),
      text: render(style, item, citation, 'text'),
    }])),
  })),
}));
fs.writeFileSync(path.join(root, 'tests/citations/expected.json'), JSON.stringify(expected, null, 2) + '\n');
console.log(`wrote ${expected.length} cases to tests/citations/expected.json`);
