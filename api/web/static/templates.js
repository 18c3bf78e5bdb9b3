// Blank rosters to fill in (名册模板) on the import tab: one download per roster kind, named in the page's
// language. The kinds come from GET /v1/imports/templates; each file is fetched with the token and saved by
// app.js's download(). Loaded after app.js, whose helpers (t, el, api, pick, $, download, state) it uses.
"use strict";

Object.assign(I18N.zh, {
  templates_label: "空白名册模板：", templates_help: "表头、填写说明和下拉列表都已备好；填好后在下方导入。",
  template_saved: "已下载 {name}", templates_failed: "无法获取模板列表：{error}",
});
Object.assign(I18N.en, {
  templates_label: "Blank rosters:", templates_help: "Headers, instructions and drop-down lists included; fill one in and import it below.",
  template_saved: "Downloaded {name}", templates_failed: "Could not list the templates: {error}",
});

const rosterTemplates = { list: null, status: "" };

// The English name as a label: its first letter upper-case ("Party members", "Grid staff").
const templateLabel = (item) => (state.lang === "zh" ? item.name_zh : item.name_en.charAt(0).toUpperCase() + item.name_en.slice(1));

function renderTemplates() {
  const box = $("import-templates");
  if (!rosterTemplates.list) return;
  const buttons = rosterTemplates.list.map((item) => {
    const button = el("button", { type: "button", textContent: templateLabel(item), title: item.file, dataset: { kind: item.kind } });
    button.addEventListener("click", async () => {
      try {
        const name = await download(await api(item.href), item.file);
        showTemplateStatus(t("template_saved", { name }));
      } catch (error) {
        showTemplateStatus(error.message);
      }
    });
    return button;
  });
  box.replaceChildren(
    el("span", { textContent: t("templates_label") }),
    ...buttons,
    el("span", { id: "template-status", className: "muted", role: "status", textContent: rosterTemplates.status || t("templates_help") }),
  );
}

function showTemplateStatus(text) {
  rosterTemplates.status = text;
  $("template-status").textContent = text;
}

async function loadTemplates() {
  if (rosterTemplates.list) return;
  try {
    rosterTemplates.list = (await (await api("/v1/imports/templates")).json()).templates;
    renderTemplates();
  } catch (error) {
    $("import-templates").replaceChildren(el("span", { className: "error", textContent: t("templates_failed", { error: error.message }) }));
  }
}

document.querySelector('#tabs button[data-view="imports"]').addEventListener("click", loadTemplates);
$("lang").addEventListener("click", () => { rosterTemplates.status = ""; renderTemplates(); });
