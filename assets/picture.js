// The board as the user left it, drawn the moment the page opens, while the app's wasm is
// still loading and reading the deals (src/ui/picture.rs takes it and explains the rules).
// A picture only: inert (no focus, no clicks, hidden from assistive technology) until the
// app, once its own board is drawn, takes it away. It is shown only if everything it was
// drawn from is still as it was: no write since (the app's write mark), the same stored
// keys and values, the same day (Overdue and Stale depend on it) and the same window
// width. A classic script at the top of <body>: it runs before the app's module script,
// with no inline code for the policy.
(function () {
  var KEY = 'pipewright.picture';
  var PREFIX = 'pipewright.';
  // The colour scheme is applied by theme.js and does not change the picture.
  var THEME_KEY = 'pipewright.theme';
  var LANG_KEY = 'pipewright.lang';
  // A fresh random value after every write of the app's, from any tab, written after the
  // data (src/storage/local.rs).
  var WRITTEN_KEY = 'pipewright.written';
  // Values up to this many UTF-16 units are stamped whole; longer ones (the deal chunks)
  // by their length and the write mark: hashing every deal at every start would cost more
  // than the picture saves.
  var WHOLE = 4096;

  // Our stored keys that the picture depends on: all but the picture itself, the theme and
  // the write mark.
  function drawnFrom() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0 && key !== KEY && key !== THEME_KEY && key !== WRITTEN_KEY) keys.push(key);
    }
    return keys;
  }

  // What the picture depends on: the write mark, every key of ours (as above) with its
  // value's length and, if short, the value itself (two FNV-1a hashes with different
  // starts), the UTC day and the window's width.
  function stamp() {
    var keys = drawnFrom().sort();
    var a = 0x811c9dc5, b = 0x01000193;
    function mix(text) {
      for (var j = 0; j < text.length; j++) {
        var c = text.charCodeAt(j);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x01000193) + 0x9e3779b9;
      }
      a = Math.imul(a ^ 0xffff, 0x01000193);
    }
    for (var k = 0; k < keys.length; k++) {
      var value = localStorage.getItem(keys[k]) || '';
      mix(keys[k]);
      mix(String(value.length));
      if (value.length <= WHOLE) mix(value);
    }
    var day = new Date().toISOString().slice(0, 10);
    var written = localStorage.getItem(WRITTEN_KEY) || '';
    return [2, day, window.innerWidth, written, keys.length, (a >>> 0).toString(36), (b >>> 0).toString(36)].join('|');
  }
  // The app asks for the same stamp when it stores a picture.
  window.pipewrightPictureStamp = stamp;

  // Nothing stored but preferences: a first visit, which the app starts on its gallery.
  function firstVisit() {
    return drawnFrom().every(function (key) {
      return key === LANG_KEY;
    });
  }

  // The language the app starts in: the one chosen, else the browser's first of nb/nn/no
  // (Norwegian) or en, else English; as Lang::from_browser_languages in src/i18n/mod.rs.
  function language() {
    var chosen = localStorage.getItem(LANG_KEY);
    if (chosen === 'nb' || chosen === 'en') return chosen;
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < tags.length; i++) {
      var primary = String(tags[i]).split(/[-_]/)[0].toLowerCase();
      if (primary === 'nb' || primary === 'no' || primary === 'nn') return 'nb';
      if (primary === 'en') return 'en';
    }
    return 'en';
  }

  try {
    var holder = document.createElement('div');
    holder.id = 'pw-picture';
    holder.setAttribute('inert', '');
    holder.setAttribute('aria-hidden', 'true');
    var raw = localStorage.getItem(KEY);
    var picture = raw ? JSON.parse(raw) : null;
    if (picture && typeof picture.html === 'string' && picture.stamp === stamp()) {
      holder.innerHTML = picture.html;
    } else if (firstVisit()) {
      // The gallery as the app draws it on a first visit, put into index.html at build time
      // (scripts/post_build.py, from assets/first-visit.*.html).
      var first = document.getElementById('pw-first-visit-' + language());
      if (!first) return;
      holder.appendChild(first.content.cloneNode(true));
    } else {
      return;
    }
    // Style attributes were stored aside (the policy allows no inline style in markup);
    // set through the DOM, which it allows.
    var styled = holder.querySelectorAll('[data-pw-style]');
    for (var s = 0; s < styled.length; s++) {
      styled[s].style.cssText = styled[s].getAttribute('data-pw-style');
      styled[s].removeAttribute('data-pw-style');
    }
    document.body.insertBefore(holder, document.body.firstChild);
    // Should the app never start (it failed to load), the picture does not stay up
    // pretending to be a board.
    setTimeout(function () {
      if (holder.parentNode) holder.parentNode.removeChild(holder);
    }, 20000);
  } catch (e) {
    // No storage, or a damaged picture: the app starts as it would without one.
  }
})();
