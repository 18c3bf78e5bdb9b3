// The search box in the header (查找): nodes by name, code, address or ID number, listed as one types
// (GET /v1/search), each opened where the page shows it — a household, building, entrance, person,
// community or unit in the liaison tab's lookup; a street, grid or compound in the overview; any other
// node in the node panel (planners). Loaded after app.js, whose helpers it uses (t, el, api, $, pick).
"use strict";

(() => {
  Object.assign(I18N.zh, {
    search_placeholder: "查找：姓名、编码、地址、身份证号", search_none: "没有找到", search_more: "仅列出前 {n} 条，请输入更多字词",
    search_searching: "查找中…",
  });
  Object.assign(I18N.en, {
    search_placeholder: "Find: name, code, address, ID number", search_none: "Nothing found",
    search_more: "Only the first {n} are listed; type more", search_searching: "Searching…",
  });

  const finder = { asked: 0, timer: null, found: null, error: null, active: -1 };

  // The liaison tab's lookup for each kind it knows, and what it is asked with.
  const LOOKUPS = {
    household: (hit) => ["household", hit.code],
    building: (hit) => ["building", hit.code],
    entrance: (hit) => ["building", hit.code.slice(0, hit.code.lastIndexOf("/"))],
    person: (hit) => ["member", hit.id],
    community: (hit) => ["community", hit.code],
    unit: (hit) => ["unit", hit.code],
  };
  const OVERVIEW = new Set(["district", "street", "grid", "compound"]);
  const DEPTH = ["district", "street", "community"];

  function closeFinder() {
    $("search-results").hidden = true;
    finder.active = -1;
  }

  // One hit: its kind in the page's language, its name (a household: its address), where it is.
  function hitLine(hit) {
    const main = hit.kind === "household" || (!hit.name && hit.address) ? hit.address || hit.code : hit.name || hit.code;
    const where = [hit.street, hit.community].filter((a) => a && a.name !== main).map((a) => a.name);
    if (["building", "entrance"].includes(hit.kind) && hit.address) where.push(hit.address);
    if (hit.person) where.push(hit.person.id_masked);
    return [el("span", { className: "kind", textContent: pick(hit.kind_zh, hit.kind_en) }), el("b", { textContent: main }),
      el("span", { className: "muted", textContent: where.filter((w) => w && w !== main).join(" · ") })];
  }

  function renderFinder() {
    const list = $("search-results");
    if (finder.error) {
      list.replaceChildren(el("li", { className: "error", textContent: finder.error }));
    } else if (finder.found) {
      const { results, truncated } = finder.found;
      list.replaceChildren(
        ...results.map((hit, i) => el("li", {
          role: "option", className: i === finder.active ? "active" : "", dataset: { id: hit.id, kind: hit.kind },
          onmousedown: (event) => { event.preventDefault(); choose(hit); },
        }, ...hitLine(hit))),
        ...(results.length ? [] : [el("li", { className: "muted", textContent: t("search_none") })]),
        ...(truncated ? [el("li", { className: "muted more", textContent: t("search_more", { n: results.length }) })] : []),
      );
    } else {
      list.replaceChildren(el("li", { className: "muted", textContent: t("search_searching") }));
    }
    list.hidden = false;
  }

  async function findNodes(text) {
    const asked = ++finder.asked;
    try {
      const found = await (await api(`/v1/search?${new URLSearchParams({ q: text })}`)).json();
      if (asked !== finder.asked) return;  // an answer to what was typed before: the newer one counts
      Object.assign(finder, { found, error: null, active: -1 });
    } catch (error) {
      if (asked !== finder.asked) return;
      Object.assign(finder, { found: null, error: error.message });
    }
    renderFinder();
  }

  // Open a hit where the page shows it (see the top of this file).
  function choose(hit) {
    closeFinder();
    const lookup = LOOKUPS[hit.kind];
    if (lookup) {
      const [kind, what] = lookup(hit);
      show("liaison");
      $("liaison-kind").value = kind;
      $("liaison-what").value = what;
      $("liaison-form").requestSubmit();
    } else if (OVERVIEW.has(hit.kind)) {
      const root = state.trail[0];
      const between = [hit.street, hit.community].filter((a) => a && a.code !== hit.code && DEPTH.indexOf(a.kind) > DEPTH.indexOf(root.kind));
      state.trail = [root, ...between, ...(hit.code === root.code ? [] : [{ code: hit.code, name: hit.name, kind: hit.kind }])];
      show("overview");
      openPlace();
    } else if (allows("planner")) {
      show("overview");
      showNode(hit.id);
    }
  }

  $("search-box").addEventListener("input", () => {
    clearTimeout(finder.timer);
    const text = $("search-box").value.trim();
    if (!text) { finder.asked++; closeFinder(); return; }
    finder.timer = setTimeout(() => findNodes(text), 250);
  });

  $("search-box").addEventListener("keydown", (event) => {
    const results = finder.found ? finder.found.results : [];
    if (event.key === "Escape") { closeFinder(); return; }
    if (!results.length || $("search-results").hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      finder.active = (finder.active + (event.key === "ArrowDown" ? 1 : -1) + results.length) % results.length;
      renderFinder();
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(results[Math.max(finder.active, 0)]);
    }
  });

  $("search-box").addEventListener("blur", () => closeFinder());
  $("search-box").addEventListener("focus", () => { if ($("search-box").value.trim() && (finder.found || finder.error)) renderFinder(); });

  function translateFinder() {
    $("search-box").placeholder = t("search_placeholder");
    $("search-box").setAttribute("aria-label", t("search_placeholder"));
    if (!$("search-results").hidden) renderFinder();
  }
  $("lang").addEventListener("click", translateFinder);

  // Offered once signed in, to a dispatcher and above (whom the API answers).
  new MutationObserver(() => { $("search").hidden = $("tabs").hidden || !state.me || !allows("dispatcher"); })
    .observe($("tabs"), { attributes: true, attributeFilter: ["hidden"] });
  translateFinder();
})();
