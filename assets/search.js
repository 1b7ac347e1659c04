// Search. On every page it turns the header's link to the Contents page into a link to the search page; on
// the search page it shows the search box and asks the index that explainer/publish/search.py made at build
// time (pagefind/pagefind.js, which loads its WebAssembly and the parts of the index a query needs, all from
// this site). The index is in shards (explainer/publish/search_shards.py): pagefind/ is the first, and
// pagefind/shards.json lists the others with their languages; the ones that hold this page's language are
// merged into it before the first search. From a file the browser will not load that module, so nothing
// changes there: the links to the Contents, Data and Sources pages stay, as they do without JavaScript.
(function () {
  "use strict";
  var PAGE_SIZE = 10;
  var SECTIONS_SHOWN = 3;
  var WAIT_MS = 150; // after the last key press, before a search: one search per burst of typing
  var OPTIONS = { excerptLength: 24 }; // for every shard: Pagefind's options() sets only the first one's

  if (location.protocol === "file:") {
    return;
  }

  var link = document.querySelector(".search-link[data-search-page]");
  if (link) {
    link.href = link.getAttribute("data-search-page");
    link.textContent = link.getAttribute("data-search-label") || "Search";
    if (document.querySelector(".search[data-pagefind]")) {
      link.setAttribute("aria-current", "page");
    }
  }

  var box = document.querySelector(".search[data-pagefind]");
  if (!box) {
    return;
  }
  var input = box.querySelector(".search-input");
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-results");
  var more = box.querySelector(".search-more");
  var unavailable = document.querySelector(".search-unavailable");
  var pagefind = null;
  var vocabulary = null; // with several shards: the vocabulary's page ids → their shard's number (shards.json)
  var latest = 0; // the number of the newest search: an older one that finishes later is dropped
  var shown = [];
  var timer = null;

  box.hidden = false;
  if (unavailable) {
    unavailable.hidden = true;
  }

  // Pagefind's excerpts are HTML: the page's text with the matched words in <mark>. Only the text and the
  // marks are taken over (a parsed document of its own runs nothing and loads nothing).
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var fragment = document.createDocumentFragment();
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(node.textContent));
      }
    });
    return fragment;
  }

  function paragraph(className, html) {
    var element = document.createElement("p");
    element.className = className;
    element.appendChild(excerpt(html));
    return element;
  }

  function item(data) {
    var entry = document.createElement("li");
    entry.className = "search-result";
    var title = document.createElement("a");
    title.className = "search-result-title";
    title.href = data.url;
    title.textContent = (data.meta && data.meta.title) || data.url;
    entry.appendChild(title);
    entry.appendChild(paragraph("search-excerpt", data.excerpt));
    // The sections of the page where the words are, each linked to its heading.
    var sections = (data.sub_results || []).filter(function (section) {
      return section.url !== data.url && section.url.indexOf("#") !== -1;
    }).slice(0, SECTIONS_SHOWN);
    if (sections.length) {
      var inner = document.createElement("ul");
      inner.className = "search-sections";
      sections.forEach(function (section) {
        var line = document.createElement("li");
        var anchor = document.createElement("a");
        anchor.href = section.url;
        anchor.textContent = section.title;
        line.appendChild(anchor);
        line.appendChild(paragraph("search-excerpt", section.excerpt));
        inner.appendChild(line);
      });
      entry.appendChild(inner);
    }
    return entry;
  }

  // The page's words for what the search says (search.html writes them in its language, from the catalogue).
  function words(attribute, english, query, count) {
    var text = box.getAttribute(attribute) || english;
    // Functions, so that "$&" in a query is never read as a replacement pattern.
    return text.replace("{count}", function () { return String(count); })
      .replace("{query}", function () { return query; });
  }

  function say(text) {
    status.textContent = text;
  }

  function showNext(number) {
    var next = shown.slice(list.children.length, list.children.length + PAGE_SIZE);
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (number !== latest) {
        return;
      }
      pages.forEach(function (data) { list.appendChild(item(data)); });
      more.hidden = list.children.length >= shown.length;
    });
  }

  function search(query) {
    var number = ++latest;
    var wanted = query.trim();
    var address = wanted ? "?q=" + encodeURIComponent(wanted) : location.pathname;
    history.replaceState(null, "", address);
    if (!wanted) {
      list.textContent = "";
      more.hidden = true;
      say("");
      return Promise.resolve();
    }
    return load().then(function (engine) {
      return matching(engine, wanted);
    }).then(function (results) {
      if (number !== latest) {
        return;
      }
      shown = results;
      list.textContent = "";
      more.hidden = true;
      if (!shown.length) {
        say(words("data-nothing-found", "Nothing found for \u201c{query}\u201d. Try fewer or other words, or see the Contents page.", wanted, 0));
        return;
      }
      say(shown.length === 1 ? words("data-found-one", "{count} page found for \u201c{query}\u201d.", wanted, 1)
        : words("data-found-many", "{count} pages found for \u201c{query}\u201d.", wanted, shown.length));
      return showNext(number);
    }).catch(function (error) {
      if (number === latest) {
        failed(error);
      }
    });
  }

  // Whether a shard holds the page's language, matched as Pagefind matches it (the tag, then its first part).
  // Pagefind would search a shard without it in the shard's largest language: other editions' pages.
  function holds(languages, language) {
    return languages.indexOf(language) !== -1 || languages.indexOf(language.split("-")[0]) !== -1;
  }

  // The results of a query, as one index of every page would give them. Asked a word its index lacks, Pagefind
  // leaves it out of the query, or searches for a shorter word of that index that starts it; merged shards
  // would each decide that alone (a shard without "asylum" would answer with its pages that have "a"). The
  // vocabulary, one index of every shard's words, decides it for the whole site: each word of the query,
  // searched alone, finds the vocabulary's pages of the shards that can hold it, and the query is searched in
  // the shards that every such word names. A word the vocabulary lacks too is left out, as one index would.
  function matching(engine, query) {
    if (!vocabulary) {
      return engine.search(query).then(function (found) { return found.results; });
    }
    var words = query.split(/\s+/).map(function (word) { return word.replace(/"/g, ""); }).filter(Boolean);
    return Promise.all(words.map(function (word) { return engine.search(word); })).then(function (each) {
      var allowed = null;
      each.forEach(function (alone) {
        var shards = [];
        alone.results.forEach(function (result) {
          var shard = vocabulary[result.id];
          if (shard !== undefined && shards.indexOf(shard) === -1) {
            shards.push(shard);
          }
        });
        if (shards.length) {
          allowed = allowed === null ? shards : allowed.filter(function (shard) { return shards.indexOf(shard) !== -1; });
        }
      });
      if (allowed === null) { // no word of the query is in the vocabulary: nothing, unless Pagefind reads it otherwise
        return engine.search(query).then(function (found) {
          return found.results.filter(function (result) { return vocabulary[result.id] === undefined; });
        });
      }
      // Each shard's pages carry the filter shard: <number> (mergeFilter); the vocabulary's carry none.
      return allowed.length ? engine.search(query, { filters: { shard: { any: allowed } } }).then(function (found) {
        return found.results;
      }) : [];
    });
  }

  function load() {
    if (!pagefind) {
      var address = new URL(box.getAttribute("data-pagefind"), document.baseURI);
      var language = (document.documentElement.getAttribute("lang") || "unknown").toLowerCase();
      // Revalidated, as Pagefind's own pagefind-entry.json is: a cached list could name shards no longer there.
      var listing = fetch(new URL("shards.json", address).href, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) {
          throw new Error("shards.json: HTTP " + response.status);
        }
        return response.json();
      });
      pagefind = Promise.all([import(address.href), listing]).then(function (loaded) {
        var engine = loaded[0];
        var manifest = loaded[1];
        var others = manifest.shards.filter(function (shard) { return holds(shard.languages, language); });
        var options = function (shard) {
          return others.length ? Object.assign({ mergeFilter: { shard: shard } }, OPTIONS) : OPTIONS;
        };
        return engine.options(options(manifest.primary)).then(function () {
          if (!others.length) {
            return [];
          }
          vocabulary = manifest.vocabulary.pages;
          // In the order listed: results of equal score keep it, so two loads rank them alike.
          return Promise.all(others.map(function (shard) {
            return engine.mergeIndex(new URL(shard.path, address).pathname, options(shard.shard));
          }).concat([engine.mergeIndex(new URL(manifest.vocabulary.path, address).pathname, OPTIONS)]));
        }).then(function () { return engine; });
      });
    }
    return pagefind;
  }

  function failed(error) {
    pagefind = null;
    box.hidden = true;
    if (unavailable) {
      unavailable.hidden = false;
    }
    if (window.console) {
      console.warn("Search could not load its index:", error);
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, WAIT_MS);
  });
  more.addEventListener("click", function () {
    var first = list.children.length;
    showNext(latest).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) {
        link.focus();
      }
    });
  });

  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  } else {
    load().catch(failed);
  }
  input.focus();
}());
