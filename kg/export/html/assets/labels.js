/* kg map labels: drawn on the vis-network canvas after each frame, not by vis-network.
 * Screen-sized, placed greedily so that no two overlap: the community names first, then
 * the nodes in opts.order (the most important of every community first), each trying
 * eight places around its node; a label with no free place is left out, so zooming in
 * shows more. Only canvas text: nothing here touches the DOM. */
window.kgMapLabels = function (network, opts) {
  'use strict';
  var FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
  var CFONT = 'bold 14px system-ui, -apple-system, "Segoe UI", sans-serif';
  var LH = 15, CLH = 18, CELL = 64;
  var widths = {};
  var lastLabels = [];
  function labelText(i) { var t = String(opts.text(i)); return t.length > 28 ? t.slice(0, 27) + '\u2026' : t; }
  function drawLabels(ctx) {
    var canvas = ctx.canvas, W = canvas.clientWidth, H = canvas.clientHeight;
    var ratio = canvas.width / (W || 1), grid = {}, placed = [], scale = network.getScale();
    function cells(b, f) {
      for (var gx = Math.floor(b.x / CELL); gx <= Math.floor((b.x + b.w) / CELL); gx++) {
        for (var gy = Math.floor(b.y / CELL); gy <= Math.floor((b.y + b.h) / CELL); gy++) { f(gx + ',' + gy); }
      }
    }
    function free(b) {
      if (b.x < 0 || b.y < 0 || b.x + b.w > W || b.y + b.h > H) { return false; }
      var ok = true;
      cells(b, function (c) {
        (grid[c] || []).forEach(function (o) {
          if (b.x < o.x + o.w + 2 && o.x < b.x + b.w + 2 && b.y < o.y + o.h + 1 && o.y < b.y + b.h + 1) { ok = false; }
        });
      });
      return ok;
    }
    function put(b) { placed.push(b); cells(b, function (c) { (grid[c] = grid[c] || []).push(b); }); }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    var named = {};
    // a community's name: above its disc, else (all=true) below it, along its edge, inside
    // it or a line further out, kept on the screen
    function nameCommunity(c, ci, all) {
      if (named[ci]) { return; }
      ctx.font = CFONT;
      var top = network.canvasToDOM({x: c.x, y: c.y - c.r});
      var bottom = network.canvasToDOM({x: c.x, y: c.y + c.r});
      var mid = (top.y + bottom.y) / 2;
      var w = ctx.measureText(c.label).width;
      var ys = all ? [top.y - CLH - 2, bottom.y + 2, top.y + 2, bottom.y - CLH - 2, mid - CLH / 2,
                      top.y - 2 * CLH - 4, bottom.y + CLH + 4] : [top.y - CLH - 2];
      var dxs = all ? [0, -w / 2, w / 2, -w, w] : [0];
      for (var k = 0; k < ys.length * dxs.length; k++) {
        var x = Math.min(Math.max(top.x - w / 2 + dxs[k % dxs.length], 0), W - w);
        var y = Math.min(Math.max(ys[Math.floor(k / dxs.length)], 0), H - CLH);
        var b = {x: x, y: y, w: w, h: CLH, kind: 'community', c: ci, text: c.label};
        if (free(b)) { put(b); named[ci] = true; break; }
      }
      ctx.font = FONT;
    }
    function nameNode(i) {
      var p = network.canvasToDOM(pos[i]);
      if (p.x < -50 || p.y < -50 || p.x > W + 50 || p.y > H + 50) { return; }
      var bb = network.getBoundingBox(i), r = Math.max(2, (bb.bottom - bb.top) / 2 * scale);
      var text = labelText(i);
      var w = widths[i] || (widths[i] = ctx.measureText(text).width);
      var spots = [[p.x - w / 2, p.y + r + 2], [p.x - w / 2, p.y - r - 2 - LH],
                   [p.x + r + 3, p.y - LH / 2], [p.x - r - 3 - w, p.y - LH / 2],
                   [p.x + r, p.y + r], [p.x - r - w, p.y + r], [p.x + r, p.y - r - LH],
                   [p.x - r - w, p.y - r - LH]];
      for (var s = 0; s < spots.length; s++) {
        var b = {x: spots[s][0], y: spots[s][1], w: w, h: LH, kind: 'node', i: i, text: text};
        if (free(b)) { put(b); return; }
      }
    }
    ctx.font = FONT;
    var chosen = network.getSelectedNodes();
    var ids = chosen.concat(opts.order).filter(opts.show);
    var pos = network.getPositions(ids), seen = {};
    // the chosen nodes and the top node of every community (a node has few places beside
    // it, a name has more), then the community names at their first place, then at their
    // other places, then the rest
    var firsts = chosen.length + opts.communities.length;
    function nameCommunities() {
      opts.communities.forEach(function (c, ci) { nameCommunity(c, ci, false); });
      opts.communities.forEach(function (c, ci) { nameCommunity(c, ci, true); });
    }
    ids.forEach(function (i, n) {
      if (n === firsts) { nameCommunities(); }
      if (seen[i]) { return; }
      seen[i] = true;
      nameNode(i);
    });
    if (ids.length <= firsts) { nameCommunities(); }
    ctx.textBaseline = 'top';
    ctx.lineJoin = 'round';
    placed.forEach(function (b) {
      ctx.font = b.kind === 'community' ? CFONT : FONT;
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.92)';
      var ty = b.y + (b.kind === 'community' ? 2 : 1);
      ctx.strokeText(b.text, b.x, ty);
      ctx.fillStyle = b.kind === 'community' ? '#3b3b6b' : '#222';
      ctx.fillText(b.text, b.x, ty);
    });
    ctx.restore();
    lastLabels = placed;
  }
  network.on('afterDrawing', drawLabels);
  function labels() {
    return lastLabels.map(function (b) {
      return {kind: b.kind, i: b.i, c: b.c, text: b.text, x: b.x, y: b.y, w: b.w, h: b.h};
    });
  }
  return {labels: labels, font: FONT};

};
