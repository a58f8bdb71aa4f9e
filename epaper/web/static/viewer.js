/* epaper viewer: replica pages with story links, zoom, an article view and search.
   No framework, no network: everything comes from edition.js (window.EPAPER), which a
   <script> tag loads, so the folder works from file:// as well as from a server. */
(function () {
  "use strict";
  var E = window.EPAPER;
  var W = E.words;
  var $ = function (id) { return document.getElementById(id); };
  var pages = E.pages;
  var byLabel = {};
  pages.forEach(function (p, i) { byLabel[p.label] = i; });
  var sectionTitle = {};
  E.sections.forEach(function (s) { sectionTitle[s.id] = s.title; });
  function fmt(s, vals) { return s.replace(/\{(\w+)\}/g, function (_, k) { return vals[k]; }); }

  var state = { page: 0, two: false, zoom: 1, highlight: null, story: null, lastFocus: null };
  var scroller = $("scroller"), box = $("spreadbox");

  /* -- spreads ------------------------------------------------------------------------ */
  function spreadOf(i) {  // the pages shown together with page i
    if (!state.two || i === 0) return [i];
    var a = i % 2 === 1 ? i : i - 1;
    return a + 1 < pages.length ? [a, a + 1] : [a];
  }
  function wantTwo() { return window.innerWidth >= 1100 && window.innerWidth > window.innerHeight; }

  function layout() {  // size the shown pages to fit the stage, times the zoom
    var shown = box.children.length ? Array.prototype.slice.call(box.children) : [];
    if (!shown.length) return;
    var availW = scroller.clientWidth - 16, availH = scroller.clientHeight - 16;
    var totalW = 0, maxH = 0;
    shown.forEach(function (el) {
      var p = pages[+el.dataset.index];
      totalW += p.width; maxH = Math.max(maxH, p.height);
    });
    var fit = Math.min(availW / totalW, availH / maxH);
    if (window.innerWidth < 700) fit = availW / totalW;  // phones: fit the width, scroll down
    var k = fit * state.zoom;
    shown.forEach(function (el) {
      var p = pages[+el.dataset.index];
      el.style.width = Math.round(p.width * k) + "px";
      el.style.height = Math.round(p.height * k) + "px";
    });
  }

  function regionLink(r, pageIndex) {
    var s = E.stories[r.slug];
    var a = document.createElement("a");
    a.className = "region";
    a.href = "#/story/" + encodeURIComponent(r.slug);
    a.setAttribute("aria-label", s.headline);
    a.title = s.headline;
    a.dataset.slug = r.slug;
    a.style.left = (r.box[0] * 100) + "%";
    a.style.top = (r.box[1] * 100) + "%";
    a.style.width = (r.box[2] * 100) + "%";
    a.style.height = (r.box[3] * 100) + "%";
    a.addEventListener("click", onRegionClick);
    return a;
  }

  function pageElement(i) {
    var p = pages[i];
    var el = document.createElement("section");
    el.className = "page";
    el.dataset.index = i;
    el.setAttribute("aria-label", fmt(W.page, { page: p.label }));
    var img = document.createElement("img");
    img.src = p.zoom;
    img.alt = p.alt;
    img.width = p.zoomSize[0]; img.height = p.zoomSize[1];
    img.draggable = false;
    if (i === state.page) img.setAttribute("fetchpriority", "high");
    img.addEventListener("load", function () {
      if (window.EPAPER_FIRST_PAGE_MS === undefined) window.EPAPER_FIRST_PAGE_MS = performance.now();
      el.classList.add("loaded");
    });
    el.appendChild(img);
    p.regions.forEach(function (r) { el.appendChild(regionLink(r, i)); });
    return el;
  }

  function showPage(i, keepZoom) {
    i = Math.max(0, Math.min(pages.length - 1, i));
    var shown = spreadOf(i);
    state.page = shown[0];
    if (!keepZoom) state.zoom = 1;
    box.textContent = "";
    shown.forEach(function (n) { box.appendChild(pageElement(n)); });
    layout();
    scroller.scrollTop = 0; scroller.scrollLeft = 0;
    var p = pages[state.page];
    $("where").textContent = shown.map(function (n) { return fmt(W.page, { page: pages[n].label }); })
      .join(" – ") + " · " + (sectionTitle[p.section] || p.section);
    $("prev").disabled = shown[0] === 0;
    $("next").disabled = shown[shown.length - 1] === pages.length - 1;
    Array.prototype.forEach.call(document.querySelectorAll(".thumbs a"), function (a) {
      if (shown.indexOf(+a.dataset.index) >= 0) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    markHighlight();
  }

  function markHighlight() {
    Array.prototype.forEach.call(box.querySelectorAll(".region"), function (a) {
      a.classList.toggle("hl", a.dataset.slug === state.highlight);
    });
    var first = box.querySelector(".region.hl");
    if (first && state.zoom > 1) first.scrollIntoView({ block: "center", inline: "center" });
  }

  function step(delta) {
    // from the page the address names: a second key press may come before the hashchange
    // of the first one has been routed
    var m = /^#\/([^/]+)$/.exec(location.hash), at = state.page;
    if (m) {
      for (var i = 0; i < pages.length; i++) {
        if (pages[i].label === decodeURIComponent(m[1])) { at = i; break; }
      }
    }
    var shown = spreadOf(at);
    var next = delta > 0 ? shown[shown.length - 1] + 1 : shown[0] - 1;
    if (next < 0 || next >= pages.length) return;
    location.hash = "#/" + pages[next].label;
  }

  /* -- thumbnails per section ---------------------------------------------------------- */
  function buildThumbs() {
    var nav = $("thumbs");
    E.sections.forEach(function (s) {
      var mine = pages.map(function (p, i) { return [p, i]; })
        .filter(function (x) { return x[0].section === s.id; });
      if (!mine.length) return;
      var h = document.createElement("h2");
      h.textContent = s.title;
      var ul = document.createElement("ul");
      mine.forEach(function (x) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#/" + x[0].label;
        a.dataset.index = x[1];
        a.setAttribute("aria-label", fmt(W.page, { page: x[0].label }) + ", " + s.title);
        var img = document.createElement("img");
        img.src = x[0].thumb; img.alt = ""; img.loading = "lazy";
        img.width = x[0].thumbSize[0]; img.height = x[0].thumbSize[1];
        var span = document.createElement("span");
        span.textContent = x[0].label;
        a.appendChild(img); a.appendChild(span);
        li.appendChild(a); ul.appendChild(li);
      });
      nav.appendChild(h); nav.appendChild(ul);
    });
  }

  /* -- zoom: wheel, pinch, double-tap, buttons ----------------------------------------- */
  function zoomTo(z, cx, cy) {
    z = Math.max(1, Math.min(5, z));
    var old = state.zoom;
    if (Math.abs(z - old) < 1e-3) return;
    if (cx === undefined) { cx = scroller.clientWidth / 2; cy = scroller.clientHeight / 2; }
    var sx = scroller.scrollLeft + cx, sy = scroller.scrollTop + cy;
    state.zoom = z;
    layout();
    scroller.scrollLeft = sx * z / old - cx;
    scroller.scrollTop = sy * z / old - cy;
    scroller.classList.toggle("zoomed", z > 1);
  }
  function local(ev) {
    var r = scroller.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }
  scroller.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var at = local(ev);
    zoomTo(state.zoom * Math.exp(-ev.deltaY / 400), at[0], at[1]);
  }, { passive: false });

  var pointers = {}, gesture = null, moved = false, lastTap = 0, tapTimer = null;
  scroller.addEventListener("pointerdown", function (ev) {
    pointers[ev.pointerId] = [ev.clientX, ev.clientY];
    var ids = Object.keys(pointers);
    moved = false;
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      gesture = { pinch: Math.hypot(a[0] - b[0], a[1] - b[1]), zoom: state.zoom };
    } else {
      gesture = { x: ev.clientX, y: ev.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    }
  });
  scroller.addEventListener("pointermove", function (ev) {
    if (!pointers[ev.pointerId] || !gesture) return;
    pointers[ev.pointerId] = [ev.clientX, ev.clientY];
    var ids = Object.keys(pointers);
    if (gesture.pinch && ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      var r = scroller.getBoundingClientRect();
      zoomTo(gesture.zoom * Math.hypot(a[0] - b[0], a[1] - b[1]) / gesture.pinch,
        (a[0] + b[0]) / 2 - r.left, (a[1] + b[1]) / 2 - r.top);
      moved = true;
    } else if (gesture.x !== undefined) {
      var dx = ev.clientX - gesture.x, dy = ev.clientY - gesture.y;
      if (Math.abs(dx) + Math.abs(dy) > 6) moved = true;
      if (state.zoom > 1) {  // pan
        scroller.scrollLeft = gesture.left - dx;
        scroller.scrollTop = gesture.top - dy;
      }
    }
  });
  function pointerEnd(ev) {
    if (!pointers[ev.pointerId]) return;
    delete pointers[ev.pointerId];
    if (gesture && gesture.x !== undefined && state.zoom === 1 && !Object.keys(pointers).length) {
      var dx = ev.clientX - gesture.x, dy = ev.clientY - gesture.y;
      if (Math.abs(dx) > 60 && Math.abs(dx) > 1.5 * Math.abs(dy)) step(dx < 0 ? 1 : -1);  // swipe
    }
    if (!Object.keys(pointers).length) gesture = null;
  }
  scroller.addEventListener("pointerup", pointerEnd);
  scroller.addEventListener("pointercancel", pointerEnd);
  function toggleZoom(ev) {
    var at = local(ev);
    zoomTo(state.zoom > 1 ? 1 : 2.5, at[0], at[1]);
  }
  scroller.addEventListener("dblclick", function (ev) { ev.preventDefault(); toggleZoom(ev); });

  // A story link opens on a single tap; a second tap soon after zooms instead.
  function onRegionClick(ev) {
    ev.preventDefault();
    if (moved) { moved = false; return; }
    var href = ev.currentTarget.getAttribute("href");
    if (ev.detail === 0) { location.hash = href; return; }  // keyboard: at once
    var now = Date.now();
    if (now - lastTap < 300) { clearTimeout(tapTimer); lastTap = 0; return; }
    lastTap = now;
    tapTimer = setTimeout(function () { location.hash = href; }, 260);
  }

  /* -- the article view ---------------------------------------------------------------- */
  var fontSize = 1;
  try { fontSize = parseFloat(localStorage.getItem("epaper-font")) || 1; } catch (e) { /* file:// */ }
  function applyFont() {
    $("reader-text").style.fontSize = fontSize + "em";
    try { localStorage.setItem("epaper-font", String(fontSize)); } catch (e) { /* ignore */ }
  }
  function openStory(slug) {
    var s = E.stories[slug];
    if (!s) return false;
    if (state.story === null) state.lastFocus = document.activeElement;
    state.story = slug;
    state.highlight = slug;
    if (s.page && spreadOf(state.page).indexOf(byLabel[s.page]) < 0) showPage(byLabel[s.page]);
    else markHighlight();
    var reader = $("reader");
    $("reader-text").innerHTML = s.html;
    $("reader-text").setAttribute("lang", s.lang);
    reader.setAttribute("aria-label", s.headline);
    var back = $("backlink");
    back.href = "#/" + (s.page || pages[0].label) + "/" + encodeURIComponent(slug);
    back.textContent = fmt(W.back_to_page, { page: s.page || pages[0].label });
    reader.hidden = false;
    document.body.classList.add("reading");
    setInert(true);
    reader.scrollTop = 0;
    var h = reader.querySelector("h1");
    if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    applyFont();
    return true;
  }
  function setInert(on) {  // a modal view: what lies behind it is out of the Tab order
    [".bar", ".layout", ".skip"].forEach(function (sel) {
      var el = document.querySelector(sel);
      if (el) el.inert = on;
    });
  }
  function closeStory() {
    if (state.story === null) return;
    state.story = null;
    $("reader").hidden = true;
    document.body.classList.remove("reading");
    setInert(false);
  }
  $("fontup").addEventListener("click", function () { fontSize = Math.min(2, fontSize + 0.125); applyFont(); });
  $("fontdown").addEventListener("click", function () { fontSize = Math.max(0.75, fontSize - 0.125); applyFont(); });
  $("reader-close").addEventListener("click", function () { location.hash = $("backlink").getAttribute("href"); });

  /* -- search (the index in edition.js; Hangul as syllable pairs) ----------------------- */
  var HANGUL = /[\uac00-\ud7a3]+/;
  function fold(text) {
    var out = "";
    for (var ch of text.toLowerCase().normalize("NFC")) {
      out += (ch >= "\uac00" && ch <= "\ud7a3") ? ch : ch.normalize("NFKD").replace(/\p{M}/gu, "");
    }
    return out;
  }
  var vocab = Object.keys(E.search.index);
  var plainCache = {};
  function plain(slug) {
    if (!(slug in plainCache)) {
      var d = document.createElement("div");
      d.innerHTML = E.stories[slug].html.replace(/<\/(p|h1|h2|figcaption|blockquote|li|time)>/g, "$& ");
      var body = d.querySelector(".story-body");
      plainCache[slug] = [d.textContent.replace(/\s+/g, " "),
        (body ? body.textContent : d.textContent).replace(/\s+/g, " ")];
    }
    return plainCache[slug];
  }
  function storiesFor(part) {
    var found = {};
    var add = function (tok) { E.search.index[tok].forEach(function (n) { found[n] = true; }); };
    if (HANGUL.test(part)) {
      if (part.length === 1) { vocab.forEach(function (t) { if (t.indexOf(part) >= 0) add(t); }); return found; }
      var sets = [];
      for (var i = 0; i + 1 < part.length; i++) {
        var t = part.slice(i, i + 2), s = {};
        (E.search.index[t] || []).forEach(function (n) { s[n] = true; });
        sets.push(s);
      }
      Object.keys(sets[0]).forEach(function (n) {
        if (sets.every(function (s) { return s[n]; })) found[n] = true;
      });
      return found;
    }
    vocab.forEach(function (t) { if (t.lastIndexOf(part, 0) === 0) add(t); });
    return found;
  }
  function search(query) {
    var parts = [];
    (fold(query).match(/[\p{L}\p{N}_]+/gu) || []).forEach(function (w) {
      w.split(/([\uac00-\ud7a3]+)/).forEach(function (p) { if (p) parts.push(p); });
    });
    if (!parts.length) return [];
    var hits = null;
    parts.forEach(function (p) {
      var f = storiesFor(p);
      hits = hits === null ? f : Object.keys(hits).reduce(function (o, n) { if (f[n]) o[n] = true; return o; }, {});
    });
    var slugs = Object.keys(hits).map(function (n) { return E.search.slugs[+n]; });
    // a Hangul word must occur as written, not only as its pairs
    slugs = slugs.filter(function (slug) {
      var text = fold(plain(slug)[0]);
      return parts.every(function (p) { return !HANGUL.test(p) || text.indexOf(p) >= 0; });
    });
    var score = function (slug) {
      var h = fold(E.stories[slug].headline);
      return parts.filter(function (p) { return h.indexOf(p) >= 0; }).length;
    };
    return slugs.map(function (s) { return [score(s), s]; })
      .sort(function (a, b) { return b[0] - a[0]; }).map(function (x) { return x[1]; });
  }
  function snippet(slug, query) {
    var text = plain(slug)[1], low = fold(text);
    var terms = fold(query).match(/[\p{L}\p{N}_]+/gu) || [];
    var at = Math.max(0, Math.min.apply(null, terms.map(function (t) {
      var i = low.indexOf(t); return i < 0 ? Infinity : i;
    }).concat([Infinity])));
    if (!isFinite(at)) at = 0;
    var start = Math.max(0, at - 40);
    return (start ? "…" : "") + text.slice(start, start + 120) + "…";
  }
  function showResults(query) {
    var found = search(query);
    var panel = $("results"), list = $("hits");
    list.textContent = "";
    $("results-title").textContent = found.length ? fmt(W.results, { n: found.length }) : W.no_results;
    found.forEach(function (slug) {
      var s = E.stories[slug];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#/story/" + encodeURIComponent(slug);
      a.textContent = s.headline;
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = " " + fmt(W.page, { page: s.page || "" }) + " · " + (sectionTitle[s.section] || s.section);
      var p = document.createElement("p");
      p.textContent = snippet(slug, query);
      li.appendChild(a); li.appendChild(where); li.appendChild(p);
      list.appendChild(li);
    });
    panel.hidden = false;
    $("results-title").setAttribute("tabindex", "-1");
    $("results-title").focus();
  }
  $("searchform").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("q").value.trim();
    if (q) location.hash = "#/search/" + encodeURIComponent(q);
  });
  $("results-close").addEventListener("click", function () { $("results").hidden = true; });
  $("hits").addEventListener("click", function (ev) {
    if (ev.target.closest("a")) $("results").hidden = true;
  });

  /* -- routes: #/A3, #/A3/<slug>, #/story/<slug>, #/search/<q> --------------------------- */
  function route() {
    var parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    if (parts[0] === "story" && parts[1] && openStory(parts[1])) return;
    if (parts[0] === "search" && parts[1]) {
      if (!box.children.length) showPage(state.page);
      $("q").value = parts[1]; showResults(parts[1]); return;
    }
    var restore = state.story !== null ? state.lastFocus : null;
    closeStory();
    var i = parts[0] in byLabel ? byLabel[parts[0]] : 0;
    state.highlight = parts[1] || null;
    if (spreadOf(state.page).indexOf(i) < 0 || !box.children.length) showPage(i);
    else markHighlight();
    var hl = box.querySelector(".region.hl");
    if (hl) hl.focus({ preventScroll: state.zoom === 1 });
    else if (restore && document.body.contains(restore)) restore.focus();
  }
  window.addEventListener("hashchange", route);

  /* -- keyboard ------------------------------------------------------------------------ */
  document.addEventListener("keydown", function (ev) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName);
    if (ev.key === "Escape") {
      if (!$("results").hidden) { $("results").hidden = true; $("q").focus(); return; }
      if (state.story !== null) { location.hash = $("backlink").getAttribute("href"); return; }
    }
    if (typing || state.story !== null || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "ArrowRight" || ev.key === "PageDown") { ev.preventDefault(); step(1); }
    else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Home") { location.hash = "#/" + pages[0].label; }
    else if (ev.key === "End") { location.hash = "#/" + pages[pages.length - 1].label; }
    else if (ev.key === "+" || ev.key === "=") { zoomTo(state.zoom * 1.25); }
    else if (ev.key === "-") { zoomTo(state.zoom / 1.25); }
    else if (ev.key === "0") { zoomTo(1); }
  });

  /* -- tools --------------------------------------------------------------------------- */
  $("prev").addEventListener("click", function () { step(-1); });
  $("next").addEventListener("click", function () { step(1); });
  $("zoomin").addEventListener("click", function () { zoomTo(state.zoom * 1.25); });
  $("zoomout").addEventListener("click", function () { zoomTo(state.zoom / 1.25); });
  function setTwo(two) {
    state.two = two;
    var b = $("spread");
    b.setAttribute("aria-pressed", String(two));
    b.textContent = two ? W.one_page : W.two_pages;
    showPage(state.page, false);
  }
  $("spread").addEventListener("click", function () { setTwo(!state.two); });
  window.addEventListener("resize", layout);

  buildThumbs();
  state.two = wantTwo();
  $("spread").setAttribute("aria-pressed", String(state.two));
  $("spread").textContent = state.two ? W.one_page : W.two_pages;
  route();
})();
