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
  var M = cfg.map || null;  // the map view: its communities, and who gets a label first
  var drawn = {};
  // On the map, sizes and widths are set here rather than through vis-network's value
  // scaling, which rescans every node and edge on each change (bringing a node in took
  // most of a second at 1,500 nodes and 10,000 edges).
  var vmax = 1, wmin = Infinity, wmax = -Infinity;
  for (var k = 0; k < cfg.drawn; k++) { vmax = Math.max(vmax, N[k].v); }
  data.edges.forEach(function (e) { if (e[2] === 'link') { wmin = Math.min(wmin, e[3]); wmax = Math.max(wmax, e[3]); } });
  function nodeSize(v) { return 5 + 21 * Math.sqrt(Math.max(0, Math.min(v, vmax) - 1) / Math.max(vmax - 1, 1)); }
  function edgeWidth(w) { return wmax > wmin ? 1 + 3 * (Math.min(Math.max(w, wmin), wmax) - wmin) / (wmax - wmin) : 1.5; }
  function visNode(i, x, y) {
    var n = N[i];
    drawn[i] = true;
    var out = {id: i, label: M ? undefined : n.l, title: n.tip || style(n.t).label + ': ' + n.s[0],
               x: x, y: y, group: n.t};
    if (M) { out.size = nodeSize(n.v); } else { out.value = n.v; }
    return out;
  }
  function visEdge(id, from, to, kind, weight, tip) {
    var out = {id: id, from: from, to: to, title: tip, dashes: kind === 'variant'};
    var weighted = kind === 'link' || kind === 'cooccurs';
    if (M) { out.width = kind === 'link' ? edgeWidth(weight) : 1; } else { out.value = weighted ? weight : 1; }
    return out;
  }
  var first = [];
  for (k = 0; k < cfg.drawn; k++) { first.push(visNode(k, N[k].x, N[k].y)); }
  var nodes = new vis.DataSet(first);
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var out = visEdge(i, e[0], e[1], e[2], e[3], e[4]);
    if (M && N[e[0]].c !== N[e[1]].c) { out.color = {color: '#b8c0c8', opacity: 0.12}; }  // between communities
    return out;
  }));
  var big = cfg.drawn > 1000;
  var network = new vis.Network(document.getElementById('kg-graph'), {nodes: nodes, edges: edges}, {
    groups: groups,
    physics: false,
    layout: {improvedLayout: false},
    nodes: {font: {size: 12, color: '#222'},
            scaling: M ? {min: 5, max: 26} :
              {min: 8, max: 40, label: {enabled: true, min: 10, max: 22, drawThreshold: 7}}},
    edges: {smooth: false, color: {color: '#9aa5b1', highlight: '#222', hover: '#444', opacity: M ? 0.35 : 0.55},
            scaling: {min: 1, max: M ? 4 : 6}},
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
  for (k = 0; k < cfg.drawn; k++) { counts[N[k].t] = (counts[N[k].t] || 0) + 1; }
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
    Object.keys(drawn).forEach(function (i) { if (N[i].t === t) { update.push({id: +i, hidden: !on}); } });
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
      if (!drawn[h.i]) { b.appendChild(el('span', 'kg-via', ' (not drawn yet: brings it in)')); }
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
  function row(parts) {
    var span = el('span', 'kg-row');
    parts.forEach(function (x) { span.appendChild(typeof x === 'string' ? el('span', 'kg-plain', x) : x); });
    return span;
  }
  function related(d) {
    return d.related.rows.map(function (r) {
      var li = row([nodeLink(r[0], r[1]), el('span', 'kg-weight', 'weight ' + r[2])]);
      var shared = el('span', 'kg-shared');
      shared.appendChild(el('span', 'kg-plain', 'shared:'));
      r[3].forEach(function (e) { shared.appendChild(nodeLink(e[0], e[1])); });
      if (r[4]) { shared.appendChild(el('span', 'kg-plain', '+' + r[4] + ' more')); }
      li.appendChild(shared);
      return li;
    }).concat(d.related.more ? [el('span', 'kg-plain', '\u2026 and ' + d.related.more + ' more')] : []);
  }
  function paperPanel(h, d) {
    highlighted(h, d.title, 0, d.spans.filter(function (s) { return s[1] <= d.tlen; }));
    var dl = el('dl', 'kg-meta');
    d.meta.forEach(function (m) { dl.appendChild(el('dt', null, m[0])); dl.appendChild(el('dd', null, m[1])); });
    body.appendChild(dl);
    var abs = el('p', 'kg-abstract');
    abs.id = 'kg-panel-abstract';
    var start = d.text.length > d.tlen ? d.tlen + 2 : d.text.length;
    highlighted(abs, d.text.slice(start), start, d.spans.filter(function (s) { return s[0] >= start; }));
    body.appendChild(abs);
    if (d.cut) { body.appendChild(el('p', 'kg-meta', 'Abstract left out to keep this page small: kg show "' + d.meta[0][1] + '" prints it.')); }
    section('Links', d.links.filter(function (l) { return isWebUrl(l[1]); }).map(function (l) {
      var a = el('a', null, l[0] + ': ' + l[1]);
      a.href = l[1];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }));
    var proposed = d.entities.filter(function (e) { return e[3] === 'proposed'; });
    var used = d.entities.filter(function (e) { return e[3] !== 'proposed'; });
    section('Proposed here', proposed.map(function (e) { return nodeLink(e[0], e[2], ' (' + e[1] + ')'); }));
    section(proposed.length ? 'Uses' : 'Entities', used.map(function (e) { return nodeLink(e[0], e[2], ' (' + e[1] + ')'); }));
    section('Related papers (link weight, shared entities)', related(d));
  }
  function entityPanel(h, d) {
    h.textContent = d.title;
    body.appendChild(el('p', 'kg-meta', d.id + ' \u00B7 ' + d.support + ' paper' + (d.support === 1 ? '' : 's')));
    section('Aliases', d.aliases.map(function (a) { return el('span', 'kg-alias', a); }));
    if (d.up.length || d.down.length) {
      var tree = d.up.map(function (u, k) { var x = nodeLink(u[0], u[1]); x.style.paddingLeft = (8 + 14 * k) + 'px'; return x; });
      var self = el('span', 'kg-self', d.title);
      self.style.paddingLeft = (8 + 14 * d.up.length) + 'px';
      tree.push(self);
      d.down.forEach(function (v) {
        var x = nodeLink(v[0], v[1]);
        x.style.paddingLeft = (8 + 14 * (d.up.length + v[2])) + 'px';
        tree.push(x);
      });
      section('Family (variant of \u2191, variants \u2193)', tree);
    }
    section('Often named with', d.together.map(function (t) {
      return nodeLink(t[0], t[1], ' \u00B7 ' + t[2] + ' paper' + (t[2] === 1 ? '' : 's'));
    }));
  }
  // a node far from the drawn part of a large corpus comes with a light panel: indices only
  function name(j) { return String(N[j].s[0]); }
  function detail(i) {
    var d = D[i];
    if (d.kind === 'paper-lite') {
      D[i] = {kind: 'paper', title: name(i), text: name(i), tlen: name(i).length, spans: [], links: [],
              meta: [['id', N[i].id]], cut: true,
              entities: d.ents.filter(function (e) { return e[0] >= 0; }).map(function (e) {
                return [name(e[0]), N[e[0]].t, e[0], e[1]]; }),
              related: {rows: d.rel.map(function (r) {
                return [name(r[0]), r[0], r[1], r[2].filter(function (j) { return j >= 0; }).map(function (j) {
                  return [name(j), j]; }), 0]; }), more: d.more}};
    } else if (d.kind === 'entity-lite') {
      var up = [], seen = {}, cur = d.up;
      seen[i] = true;
      while (cur >= 0 && !seen[cur]) {
        seen[cur] = true;
        up.unshift([name(cur), cur]);
        if (D[cur].kind === 'entity') { up = D[cur].up.concat(up); break; }
        cur = D[cur].up;
      }
      D[i] = {kind: 'entity', lite: true, title: name(i), type: N[i].t, id: N[i].id, support: N[i].v,
              aliases: N[i].s.slice(2), up: up, parent: up.length ? up[up.length - 1] : null,
              down: d.down.map(function (j) { return [name(j), j, 1]; }),
              variants: d.down.map(function (j) { return [name(j), j]; }), together: [],
              papers: {rows: d.papers.map(function (j) { return [name(j), j, false, '']; }), more: d.more}};
    }
    return D[i];
  }
  function openPanel(i) {
    var d = detail(i), n = N[i];
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
      paperPanel(h, d);
    } else if (d.kind === 'entity') {
      entityPanel(h, d);
    } else {
      h.textContent = d.title;
      if (isWebUrl(d.url)) {
        var a = el('a', null, d.url);
        a.href = d.url; a.target = '_blank'; a.rel = 'noopener noreferrer';
        body.appendChild(a);
      }
    }
    if (d.papers) {
      var rows = d.papers.rows.map(function (p) {
        return nodeLink(p[0], p[1], (p[3] ? ' \u00B7 ' + p[3] : '') + (p[2] ? ' (proposes it)' : ''));
      });
      if (d.papers.more) { rows.push(el('span', 'kg-plain', '\u2026 and ' + d.papers.more + ' more')); }
      section(d.kind === 'entity' && !d.lite ? 'Papers, newest first' : 'Papers', rows);
    }
    if (d.familyPapers && d.familyPapers.rows.length) {  // papers naming only a variant of it
      var frows = d.familyPapers.rows.map(function (p) {
        return nodeLink(p[0], p[1], p[3] ? ' \u00B7 ' + p[3] : '');
      });
      if (d.familyPapers.more) { frows.push(el('span', 'kg-plain', '\u2026 and ' + d.familyPapers.more + ' more')); }
      section('Papers naming one of its variants', frows);
    }
    var near = drawn[i] ? network.getConnectedNodes(i).slice(0, 60) : [];
    section('Neighbours in this view', near.map(function (j) { return nodeLink(N[j].l, j); }));
  }

  // ------------------------------------------------------------------ bringing in a node not drawn
  var BRING = 30;
  var brought = [];
  function neighbours(i) {
    var d = detail(i), out = [];
    if (d.kind === 'paper') {
      d.related.rows.forEach(function (r) {
        var names = r[3].map(function (e) { return e[0]; }).join('; ');
        out.push([r[1], 'link', r[2], 'weight ' + r[2] + (names ? '\nshared entities: ' + names : '')]);
      });
      d.entities.forEach(function (e) {
        out.push([e[2], 'mentions', 1, d.title + '\n' + (e[3] === 'proposed' ? 'proposes ' : 'uses ') + e[0]]);
      });
    } else if (d.kind === 'entity') {
      if (d.parent) { out.push([d.parent[1], 'variant', 1, d.title + ' is a variant of ' + d.parent[0]]); }
      d.variants.forEach(function (v) { out.push([v[1], 'variant', 1, v[0] + ' is a variant of ' + d.title]); });
      d.papers.rows.forEach(function (p) { out.push([p[1], 'mentions', 1, p[0] + '\nnames ' + d.title]); });
    }
    return out.filter(function (x) { return x[0] >= 0 && x[0] !== i; }).slice(0, BRING);
  }
  function bringIn(i) {
    if (drawn[i]) { return; }
    var near = neighbours(i);
    var there = near.filter(function (x) { return drawn[x[0]]; }).map(function (x) { return x[0]; });
    var pos = network.getPositions(there), x = 0, y = 0;
    if (there.length) {
      there.forEach(function (j) { x += pos[j].x; y += pos[j].y; });
      var turn = i * 2.39996;  // the golden angle, so that nodes brought near one place spread out
      x = x / there.length + 110 * Math.cos(turn);
      y = y / there.length + 110 * Math.sin(turn);
    } else {  // nothing of it is drawn: beside the map, one below the other
      var all = network.getPositions(), right = -Infinity, top = Infinity;
      Object.keys(all).forEach(function (j) { right = Math.max(right, all[j].x); top = Math.min(top, all[j].y); });
      if (!isFinite(right)) { right = 0; top = 0; }
      x = right + 260;
      y = top + 260 * brought.filter(function (b) { return b.alone; }).length;
    }
    var add = [visNode(i, x, y)], fresh = near.filter(function (nb) { return !drawn[nb[0]]; });
    var ring = 70 + 6 * fresh.length;
    fresh.forEach(function (nb, m) {
      var a = 2 * Math.PI * m / fresh.length;
      add.push(visNode(nb[0], x + ring * Math.cos(a), y + ring * Math.sin(a)));
    });
    nodes.add(add);
    edges.add(near.map(function (nb) { return visEdge('b' + i + '-' + nb[0], i, nb[0], nb[1], nb[2], nb[3]); }));
    brought.push({i: i, alone: !there.length});
    add.forEach(function (n) { order.push(n.id); });
  }
  function select(i) {
    bringIn(i);
    if (hidden[N[i].t]) { setType(N[i].t, true); }
    results.textContent = '';
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: false});
    openPanel(i);
  }
  network.on('click', function (p) { if (p.nodes.length) { openPanel(p.nodes[0]); } });

  // ------------------------------------------------------------------ papers left off the map
  var lone = document.getElementById('kg-isolated');
  if (cfg.isolated.length) {
    lone.hidden = false;
    lone.textContent = cfg.isolated.length + ' papers with no related paper';
    lone.addEventListener('click', function () {
      body.textContent = '';
      panel.hidden = false;
      panel.dataset.node = 'isolated';
      var h = el('h2', null, cfg.isolated.length + ' papers with no related paper');
      h.id = 'kg-panel-title';
      body.appendChild(h);
      body.appendChild(el('p', 'kg-meta', 'No link to another paper, so not on the map; choose one to bring it in with its entities.'));
      section('Papers', cfg.isolated.map(function (j) { return nodeLink(N[j].l, j); }));
    });
  }

  // ------------------------------------------------------------------ the map's labels (labels.js)
  var order = M ? M.order.slice() : [];
  var labeller = M ? window.kgMapLabels(network, {
    communities: M.communities, order: order,
    show: function (i) { return drawn[i] && !hidden[N[i].t]; },
    text: function (i) { return N[i].l; }}) : null;
  function labels() { return labeller ? labeller.labels() : []; }

  window.kg = {data: data, find: find, select: select, openPanel: openPanel, setType: setType,
               bringIn: bringIn, drawn: drawn, labels: labels,
               font: labeller ? labeller.font : null};
  if (cfg.seeds.length) { network.selectNodes(cfg.seeds); }
  network.once('afterDrawing', function () {
    window.kgReady = true;
    document.body.setAttribute('data-ready', '1');
  });
  network.fit({animation: false});
})();
