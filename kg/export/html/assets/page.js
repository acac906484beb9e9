/* kg graph page: builds the vis-network view, search, type filters and side panel.
 * All data comes from the JSON block #kg-data and reaches the DOM through
 * textContent only; vis-network shows string tooltips with innerText. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('kg-data').textContent);
  var cfg = data.config, N = data.nodes, D = data.details;
  var GLYPH = {dot: '\u25CF', diamond: '\u25C6', triangle: '\u25B2', square: '\u25A0', star: '\u2605'};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function style(t) { return cfg.styles[t] || {color: '#999', shape: 'dot', label: t}; }
  function glyph(t) {
    var s = el('span', 'kg-glyph', GLYPH[style(t).shape] || GLYPH.dot);
    s.style.color = style(t).color;
    return s;
  }
  function isWebUrl(u) {
    if (typeof u !== 'string' || !/^https?:\/\//i.test(u)) { return false; }
    try { var p = new URL(u); return p.protocol === 'http:' || p.protocol === 'https:'; } catch (e) { return false; }
  }

  // ------------------------------------------------------------------ network
  var groups = {};
  Object.keys(cfg.styles).forEach(function (t) {
    var c = cfg.styles[t].color;
    groups[t] = {shape: cfg.styles[t].shape,
                 color: {background: c, border: c, highlight: {background: c, border: '#111'},
                         hover: {background: c, border: '#111'}}};
  });
  var nodes = new vis.DataSet(N.map(function (n, i) {
    return {id: i, label: n.l, title: n.tip, x: n.x, y: n.y, value: n.v, group: n.t};
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var weighted = e[2] === 'link' || e[2] === 'cooccurs';
    return {id: i, from: e[0], to: e[1], title: e[4], value: weighted ? e[3] : 1,
            dashes: e[2] === 'variant'};
  }));
  var big = N.length > 1000;
  var network = new vis.Network(document.getElementById('kg-graph'), {nodes: nodes, edges: edges}, {
    groups: groups,
    physics: false,
    layout: {improvedLayout: false},
    nodes: {font: {size: 12, color: '#222'},
            scaling: {min: 8, max: 40, label: {enabled: true, min: 10, max: 22, drawThreshold: 7}}},
    edges: {smooth: false, color: {color: '#9aa5b1', highlight: '#222', hover: '#444', opacity: 0.55},
            scaling: {min: 1, max: 6}},
    interaction: {hover: !big, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  keyboard: false}
  });
  window.network = network;
  window.nodes = nodes;
  window.edges = edges;

  // ------------------------------------------------------------------ type filters (and legend)
  var hidden = {};
  var boxes = {};
  var counts = {};
  N.forEach(function (n) { counts[n.t] = (counts[n.t] || 0) + 1; });
  var legend = document.getElementById('kg-types');
  cfg.types.forEach(function (t) {
    var label = el('label', 'kg-type');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.value = t;
    box.addEventListener('change', function () { setType(t, box.checked); });
    boxes[t] = box;
    label.appendChild(box);
    label.appendChild(glyph(t));
    label.appendChild(document.createTextNode(' ' + style(t).label + ' (' + (counts[t] || 0) + ')'));
    legend.appendChild(label);
  });
  function setType(t, on) {
    hidden[t] = !on;
    if (boxes[t]) { boxes[t].checked = on; }
    var update = [];
    N.forEach(function (n, i) { if (n.t === t) { update.push({id: i, hidden: !on}); } });
    nodes.update(update);
  }

  // ------------------------------------------------------------------ search
  var index = N.map(function (n) { return n.s.map(function (s) { return String(s).toLowerCase(); }); });
  function find(query, limit) {
    var q = String(query).trim().toLowerCase();
    if (!q) { return []; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var best = 9, via = null;
      for (var j = 0; j < index[i].length; j++) {
        var s = index[i][j], r = s === q ? 0 : (s.indexOf(q) === 0 ? 1 : (s.indexOf(q) > 0 ? 2 : 9));
        if (r < best) { best = r; via = N[i].s[j]; }
      }
      if (best < 9) { hits.push({i: i, rank: best, via: via}); }
    }
    hits.sort(function (a, b) { return a.rank - b.rank || N[b.i].v - N[a.i].v || a.i - b.i; });
    return hits.slice(0, limit || 30);
  }
  var input = document.getElementById('kg-search');
  var results = document.getElementById('kg-results');
  var countEl = document.getElementById('kg-count');
  var lastHits = [];
  function showResults() {
    lastHits = find(input.value, 30);
    results.textContent = '';
    countEl.textContent = input.value.trim() ? lastHits.length + (lastHits.length === 30 ? '+' : '') + ' found' : '';
    lastHits.forEach(function (h) {
      var li = el('li');
      var b = el('button', 'kg-hit');
      b.type = 'button';
      b.appendChild(glyph(N[h.i].t));
      b.appendChild(el('span', 'kg-hit-label', ' ' + N[h.i].l));
      if (h.via && h.via !== N[h.i].l) { b.appendChild(el('span', 'kg-via', ' \u2190 ' + h.via)); }
      b.addEventListener('click', function () { select(h.i); });
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  input.addEventListener('input', showResults);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && lastHits.length) { ev.preventDefault(); select(lastHits[0].i); }
    if (ev.key === 'Escape') { input.value = ''; showResults(); }
  });

  // ------------------------------------------------------------------ side panel
  var panel = document.getElementById('kg-panel');
  var body = document.getElementById('kg-panel-body');
  document.getElementById('kg-panel-close').addEventListener('click', function () {
    panel.hidden = true;
    network.unselectAll();
  });
  function nodeLink(name, i, extra) {
    if (i === undefined || i < 0) { return el('span', 'kg-plain', name + (extra || '')); }
    var b = el('button', 'kg-link');
    b.type = 'button';
    b.appendChild(glyph(N[i].t));
    b.appendChild(document.createTextNode(' ' + name + (extra || '')));
    b.addEventListener('click', function () { select(i); });
    return b;
  }
  function section(title, items) {
    if (!items.length) { return; }
    body.appendChild(el('h3', null, title));
    var ul = el('ul', 'kg-list');
    items.forEach(function (it) { var li = el('li'); li.appendChild(it); ul.appendChild(li); });
    body.appendChild(ul);
  }
  function highlighted(parent, text, offset, spans) {
    var pos = 0;
    spans.forEach(function (s) {
      var a = s[0] - offset, b = s[1] - offset;
      if (a < pos || b > text.length) { return; }
      parent.appendChild(document.createTextNode(text.slice(pos, a)));
      var m = el('mark', 'kg-mark', text.slice(a, b));
      m.style.backgroundColor = style(s[2]).color + '40';
      m.style.borderBottom = '2px solid ' + style(s[2]).color;
      m.title = s[4] + ' (' + s[2] + ')';
      if (s[3] >= 0) { m.addEventListener('click', function () { select(s[3]); }); m.classList.add('kg-go'); }
      parent.appendChild(m);
      pos = b;
    });
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  function openPanel(i) {
    var d = D[i], n = N[i];
    body.textContent = '';
    panel.hidden = false;
    panel.dataset.node = String(i);
    var kind = el('p', 'kg-kind');
    kind.appendChild(glyph(n.t));
    kind.appendChild(document.createTextNode(' ' + style(n.t).label));
    body.appendChild(kind);
    var h = el('h2');
    h.id = 'kg-panel-title';
    body.appendChild(h);
    if (d.kind === 'paper') {
      highlighted(h, d.title, 0, d.spans.filter(function (s) { return s[1] <= d.tlen; }));
      var dl = el('dl', 'kg-meta');
      d.meta.forEach(function (m) { dl.appendChild(el('dt', null, m[0])); dl.appendChild(el('dd', null, m[1])); });
      body.appendChild(dl);
      var abs = el('p', 'kg-abstract');
      abs.id = 'kg-panel-abstract';
      var start = d.text.length > d.tlen ? d.tlen + 2 : d.text.length;
      highlighted(abs, d.text.slice(start), start, d.spans.filter(function (s) { return s[0] >= start; }));
      body.appendChild(abs);
      section('Links', d.links.filter(function (l) { return isWebUrl(l[1]); }).map(function (l) {
        var a = el('a', null, l[0] + ': ' + l[1]);
        a.href = l[1];
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        return a;
      }));
      section('Entities', d.entities.map(function (e) {
        return nodeLink(e[0], e[2], ' (' + e[1] + (e[3] === 'proposed' ? ', proposed here' : '') + ')');
      }));
    } else if (d.kind === 'entity') {
      h.textContent = d.title;
      body.appendChild(el('p', 'kg-meta', d.id + ' \u00B7 ' + d.support + ' paper' + (d.support === 1 ? '' : 's')));
      section('Aliases', d.aliases.map(function (a) { return el('span', 'kg-alias', a); }));
      if (d.parent) { section('Variant of', [nodeLink(d.parent[0], d.parent[1])]); }
      section('Variants', d.variants.map(function (v) { return nodeLink(v[0], v[1]); }));
    } else {
      h.textContent = d.title;
      if (isWebUrl(d.url)) {
        var a = el('a', null, d.url);
        a.href = d.url; a.target = '_blank'; a.rel = 'noopener noreferrer';
        body.appendChild(a);
      }
    }
    if (d.papers) {
      var rows = d.papers.rows.map(function (p) { return nodeLink(p[0], p[1], p[2] ? ' (proposes it)' : ''); });
      if (d.papers.more) { rows.push(el('span', 'kg-plain', '\u2026 and ' + d.papers.more + ' more')); }
      section('Papers', rows);
    }
    var near = network.getConnectedNodes(i).slice(0, 60);
    section('Neighbours in this view', near.map(function (j) { return nodeLink(N[j].l, j); }));
  }
  function select(i) {
    if (hidden[N[i].t]) { setType(N[i].t, true); }
    results.textContent = '';
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: false});
    openPanel(i);
  }
  network.on('click', function (p) { if (p.nodes.length) { openPanel(p.nodes[0]); } });

  window.kg = {data: data, find: find, select: select, openPanel: openPanel, setType: setType};
  if (cfg.seeds.length) { network.selectNodes(cfg.seeds); }
  network.once('afterDrawing', function () {
    window.kgReady = true;
    document.body.setAttribute('data-ready', '1');
  });
  network.fit({animation: false});
})();
