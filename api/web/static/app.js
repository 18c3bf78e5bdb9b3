// The planners' page: sign in with a token, see coverage by place, drill down, read and export the
// findings, follow an escalation path, report cases and move them on. Plain JavaScript over the /v1 API;
// no build step.
"use strict";

const I18N = {
  zh: {
    title: "党建引领基层治理 · 覆盖与响应", tab_overview: "覆盖概览", tab_escalation: "响应路径", signout: "退出",
    signin_title: "登录", signin_help: "请输入管理员为您生成的访问令牌（orggraph tokens add）。", signin_button: "登录",
    findings_title: "缺口清单", rule: "规则", severity: "严重程度", all: "全部", sev_high: "高", sev_medium: "中", sev_low: "低",
    export: "导出 Excel", col_severity: "严重程度", col_rule: "规则", col_place: "位置", col_gap: "缺口", col_responsible: "责任组织",
    household: "户编码、地址或人员（脱敏身份证号）", category: "事项类别", show_path: "查看响应路径", below_street: "各街道", below_community: "各社区",
    below_grid: "各网格（按缺口占户数）", below_building: "各楼栋（按缺口占户数）",
    no_children: "此处没有下级区域；缺口见下表。", findings_count: "共 {n} 条", page: "第 {p} / {n} 页", exporting: "正在导出…",
    exported: "已下载 {name}", skipped: "跳过", deadline: "时限", deputy: "（副书记代行）", helpers: "可协助的共建单位",
    overall: "综合", households: "户", findings: "缺口", lang: "English",
    tab_liaison: "联系人查询", tab_proposals: "补齐建议", tab_imports: "名册导入", look_for: "查询",
    kind_household: "住户（户编码或地址）", kind_member: "人员（编号或脱敏身份证号）", kind_building: "楼栋（编码）", kind_unit: "单位（编码）", kind_community: "社区（编码）", search: "查询",
    proposal_contacts: "联系户（1+10）补齐", proposal_liaison: "包联调整", proposal_run: "生成建议", proposal_roster: "下载名册",
    proposal_for: "范围：{place}", partial: "部分名册（不终止未列出的）", best_effort: "跳过错误行", dry_run: "试运行",
    apply: "确认导入", report: "下载报告", rejected: "被拒绝的行", file: "文件", row: "行", column: "列", reason: "原因",
    roster: "名册", running: "处理中…", sort: "排序", colour_by: "着色依据", node_needs_planner: "查看节点详情需要规划人员或更高角色", vacant: "空缺", role_viewer: "查看", role_dispatcher: "调度", role_planner: "规划",
    role_importer: "导入", role_admin: "管理",
    tab_cases: "事件", from: "从", to: "至", refresh: "刷新", cases_by_community: "各社区（超时多、得分低者在前）",
    col_community: "社区", col_overdue_now: "当前超时", col_received: "受理量", col_score: "得分", rate_response: "响应率",
    rate_resolution: "解决率", rate_satisfaction: "满意率", on_time: "按时响应", resolved: "办结",
    weights: "权重（响应率/解决率/满意率）", period: "{since} 至 {until}", report_title: "登记事件", case_where: "户编码或地址",
    case_source: "来源", source_hotline: "热线", source_mini_program: "小程序", source_grid_app: "网格员 App", source_walk_in: "来访",
    case_contact: "联系电话（可选）", case_description: "事件描述", report_button: "登记并派单", open_cases: "在办事件",
    overdue_only: "只看超时", col_case: "编号", col_status: "状态", col_address: "地址", col_holder: "承办人", col_due: "时限",
    col_reported: "登记时间", overdue: "超时", cases_count: "共 {n} 件", no_cases: "没有事件", community_filter: "社区：{name}",
    show_all: "显示全部", reported: "已登记 {id}，已派单", reported_before: "此前已登记为 {id}（同一次提交，未重复登记）",
    deadlines: "各项时限", due_reply: "受理", due_act: "处置", due_result: "办结", contact: "联系电话", escalations: "超时升级",
    exhausted: "已无上级可升级", unassigned: "无人承办", path_title: "响应路径（随事件保存）", current_step: "当前",
    timeline: "办理记录", col_time: "时间", col_event: "事件", col_note: "说明", note: "说明（可选）",
    hand_to: "流转至：默认下一级，或职能部门名称", rating: "评价", rating_satisfied: "满意", rating_basically: "基本满意",
    rating_unsatisfied: "不满意", ev_accept: "受理", ev_act: "处置", ev_resolve: "办结", ev_hand_on: "流转", ev_rate: "评价",
    ev_close: "结案", ev_reopen: "重新派单", no_actions: "此状态下无可进行的操作", escalated_from: "由 {name} 升级",
    escalated_times: "已升级 {n} 次",
    legend: "图例", no_value: "无可计", norm: "达标线", map_title: "网络一张图", map_help: "面积为户数，颜色为得分；单击进入下级，双击打开该区域",
    trend_title: "近 12 个月末趋势", trend_loading: "正在按各月末计算…", cases_chart: "各社区在办、超时事件与按时响应率", cases_unit: "件",
    bars_title: "{ratio} · 各下级区域", share_without_findings: "无缺口户占比",
    pc_uncontacted: "未联系户", pc_assigned: "已安排联系", pc_assigned_care_tagged: "其中关爱户", pc_unassigned: "未能安排",
    pc_unassigned_care_tagged: "未能安排的关爱户", pc_members_used: "承担联系的党员", pc_deficient: "包联未达标社区", pc_links_added: "新增包联",
    pc_fixed: "可补齐社区", pc_unfixed: "仍未达标社区", pc_leaders_used: "参与包联的领导",
    pcol_household: "户编码", pcol_member_name: "联系党员", pcol_member: "身份证号（脱敏）", pcol_tier: "就近范围", pcol_care_tags: "关爱标签",
    pcol_community: "社区", pcol_leader_name: "包联领导", pcol_leader: "身份证号（脱敏）", pcol_communities_before: "原包联社区数",
    tier_entrance: "同单元", tier_building: "同楼栋", tier_grid: "同网格", tier_community: "同社区", tier_street: "同街道", tier_district: "同区",
    out_created: "新增", out_updated: "更新", out_unchanged: "未变", out_ended: "终止", out_rejected: "拒绝",
    roster_areas: "区域", roster_orgs: "党组织", roster_units: "单位", roster_households: "住户", roster_members: "党员",
    roster_grid_staff: "网格人员", roster_contacts: "联系户", roster_registrations: "双报到", roster_liaison: "包联", roster_projects: "共建项目",
    role_liaison_leader: "包联领导", role_liaison_unit: "包联单位", role_registered_unit: "报到单位", role_live_project: "共建项目",
    registered_members: "{n} 名报到党员", yes: "是", no: "否",
  },
  en: {
    title: "Party-building-led community governance · coverage and response", tab_overview: "Coverage", tab_escalation: "Escalation",
    signout: "Sign out", signin_title: "Sign in", signin_help: "Enter the access token your administrator made for you (orggraph tokens add).",
    signin_button: "Sign in", findings_title: "Findings", rule: "Rule", severity: "Severity", all: "All", sev_high: "high",
    sev_medium: "medium", sev_low: "low", export: "Export to Excel", col_severity: "Severity", col_rule: "Rule", col_place: "Place",
    col_gap: "Gap", col_responsible: "Responsible", household: "Household code, address, or person (masked ID number)", category: "Issue category",
    show_path: "Show the path", below_street: "Streets", below_community: "Communities",
    below_grid: "Grids (by findings per household)", below_building: "Buildings (by findings per household)",
    no_children: "No areas below this one; its gaps are listed below.", findings_count: "{n} in all", page: "page {p} of {n}",
    exporting: "Exporting…", exported: "Downloaded {name}", skipped: "skipped", deadline: "by", deputy: " (deputy standing in)",
    helpers: "Co-building units that can help", overall: "overall", households: "households", findings: "findings", lang: "中文",
    tab_liaison: "Liaison", tab_proposals: "Proposals", tab_imports: "Import", look_for: "Look up",
    kind_household: "household (code or address)", kind_member: "person (id or masked ID number)", kind_building: "building (code)", kind_unit: "unit (code)", kind_community: "community (code)",
    search: "Search", proposal_contacts: "1+10 contacts", proposal_liaison: "Liaison rebalancing", proposal_run: "Propose",
    proposal_roster: "Download roster", proposal_for: "For {place}", partial: "Partial rosters (end nothing unlisted)",
    best_effort: "Skip bad rows", dry_run: "Dry run", apply: "Apply", report: "Download report", rejected: "Rejected rows",
    file: "File", row: "Row", column: "Column", reason: "Reason", roster: "Roster", running: "Working…", sort: "Sort by",
    colour_by: "Colour by", node_needs_planner: "Node details need a planner token or above", vacant: "vacant",
    role_viewer: "viewer", role_dispatcher: "dispatcher", role_planner: "planner", role_importer: "importer", role_admin: "admin",
    tab_cases: "Cases", from: "From", to: "to", refresh: "Refresh",
    cases_by_community: "Communities (most overdue, then lowest score, first)", col_community: "Community",
    col_overdue_now: "Overdue now", col_received: "Received", col_score: "Score", rate_response: "Response rate",
    rate_resolution: "Resolution rate", rate_satisfaction: "Satisfaction rate", on_time: "Responded on time", resolved: "Resolved",
    weights: "weights (response/resolution/satisfaction)", period: "{since} to {until}", report_title: "Report a case",
    case_where: "Household code or address", case_source: "Source", source_hotline: "hotline", source_mini_program: "mini-program",
    source_grid_app: "grid app", source_walk_in: "walk-in", case_contact: "Contact phone (optional)", case_description: "Description",
    report_button: "Report and dispatch", open_cases: "Open cases", overdue_only: "Overdue only", col_case: "Case",
    col_status: "Status", col_address: "Address", col_holder: "Holder", col_due: "Due", col_reported: "Reported",
    overdue: "overdue", cases_count: "{n} in all", no_cases: "No cases", community_filter: "Community: {name}", show_all: "show all",
    reported: "Reported {id} and dispatched", reported_before: "Reported before as {id} (the same submission; not reported twice)",
    deadlines: "Deadlines", due_reply: "reply", due_act: "act", due_result: "result", contact: "Contact", escalations: "Escalations",
    exhausted: "no step left to escalate to", unassigned: "unassigned", path_title: "Path kept with the case", current_step: "current",
    timeline: "Timeline", col_time: "Time", col_event: "Event", col_note: "Note", note: "Note (optional)",
    hand_to: "Hand on to: the next step by default, or a department's name", rating: "Rating", rating_satisfied: "satisfied",
    rating_basically: "basically satisfied", rating_unsatisfied: "unsatisfied", ev_accept: "Accept", ev_act: "Act",
    ev_resolve: "Resolve", ev_hand_on: "Hand on", ev_rate: "Rate", ev_close: "Close", ev_reopen: "Reopen",
    no_actions: "Nothing can be done in this status", escalated_from: "escalated from {name}", escalated_times: "escalated {n}×",
    legend: "Legend", no_value: "nothing to count", norm: "norm", map_title: "Map of the network",
    map_help: "area: households; colour: score; click to go down, double-click to open", trend_title: "Last 12 month-ends",
    trend_loading: "computing each month-end…", cases_chart: "Open and overdue cases and on-time response per community", cases_unit: "cases",
    bars_title: "{ratio} · areas below", share_without_findings: "households without a finding",
    pc_uncontacted: "Uncontacted households", pc_assigned: "Assigned", pc_assigned_care_tagged: "of them care-tagged", pc_unassigned: "Left over",
    pc_unassigned_care_tagged: "Care-tagged left over", pc_members_used: "Members taking them on", pc_deficient: "Communities below the norm",
    pc_links_added: "Liaison links added", pc_fixed: "Communities brought to the norm", pc_unfixed: "Still below the norm", pc_leaders_used: "Leaders used",
    pcol_household: "Household", pcol_member_name: "Member", pcol_member: "ID number (masked)", pcol_tier: "Nearness", pcol_care_tags: "Care tags",
    pcol_community: "Community", pcol_leader_name: "Liaison leader", pcol_leader: "ID number (masked)", pcol_communities_before: "Communities before",
    tier_entrance: "same entrance", tier_building: "same building", tier_grid: "same grid", tier_community: "same community",
    tier_street: "same street", tier_district: "same district",
    out_created: "created", out_updated: "updated", out_unchanged: "unchanged", out_ended: "ended", out_rejected: "rejected",
    roster_areas: "areas", roster_orgs: "Party organisations", roster_units: "work units", roster_households: "households", roster_members: "Party members",
    roster_grid_staff: "grid staff", roster_contacts: "contacts (1+10)", roster_registrations: "registrations (双报到)", roster_liaison: "liaison (包联)",
    roster_projects: "co-building projects", role_liaison_leader: "liaison leader", role_liaison_unit: "liaison unit",
    role_registered_unit: "registered unit", role_live_project: "co-building project", registered_members: "{n} members registered here",
    yes: "yes", no: "no",
  },
};

const state = {
  lang: localStorage.getItem("orggraph.lang") || "zh",
  token: sessionStorage.getItem("orggraph.token"),
  trail: [],
  summary: null,
  page: 1,
  pages: 1,
};

const $ = (id) => document.getElementById(id);
const t = (key, values = {}) => (I18N[state.lang][key] || key).replace(/\{(\w+)\}/g, (_, k) => values[k]);
const pick = (zh, en) => (state.lang === "zh" ? zh : en) || zh || en || "";
const el = (tag, { dataset = {}, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  for (const child of children) node.append(child);
  return node;
};

// The model's words (GET /v1/labels): a kind, a link, an attribute or a value in the page's language.
const word = (part, key) => { const n = ((state.labels || {})[part] || {})[key]; return n ? pick(n.zh, n.en) : key; };
const kindName = (kind) => word("kinds", kind);
const linkName = (link) => word("links", link);
function valueName(attr, value) {
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  const values = ((state.labels || {}).values || {})[attr] || {};
  const found = values[value] || Object.values(values).find((n) => n.zh === value);
  return found ? pick(found.zh, found.en) : String(value);
}

class ApiError extends Error {
  constructor(status, problem) {
    super(pick(problem.message_zh, problem.message_en) || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, { headers = {}, ...options } = {}) {
  const answer = await fetch(path, { ...options, headers: { ...headers, Authorization: `Bearer ${state.token}` } });
  if (!answer.ok) {
    let problem = {};
    try { problem = await answer.json(); } catch (_) { /* not a problem document */ }
    throw new ApiError(answer.status, problem);
  }
  return answer;
}

// A JSON body POSTed to ``path``; the answer, or the problem as an ApiError.
const send = (path, body, headers = {}) =>
  api(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

// -- language -------------------------------------------------------------------------------------

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  $("lang").textContent = t("lang");
}

$("lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("orggraph.lang", state.lang);
  translate();
  if (state.summary) renderOverview();
  if (state.trend) renderTrend();
  if (state.me) renderCases();
  if (state.proposal) renderProposal();
  if (state.report) showReport(state.report);
  if (state.node && !$("node-panel").hidden) showNode(state.node);
  for (const [form, shown] of [["escalation-form", "path"], ["liaison-form", "liaison-list"]]) {
    if ($(shown).childElementCount) $(form).requestSubmit();  // asked again: its words in the new language
  }
});

// -- sign-in --------------------------------------------------------------------------------------

const ROLES = ["viewer", "dispatcher", "planner", "importer", "admin"];
const allows = (needed) => ROLES.indexOf(state.me.role) >= ROLES.indexOf(needed);

async function signIn(token) {
  state.token = token;
  const [me, labels, summary] = await Promise.all(["/v1/me", "/v1/labels", "/v1/coverage/summary"].map(async (path) => (await api(path)).json()));
  state.me = me;
  state.labels = labels;
  // what the role may not do is not offered: tabs, buttons and forms marked with the role they need
  for (const node of document.querySelectorAll("[data-role]")) node.hidden = !allows(node.dataset.role);
  $("whoami").textContent = `${state.me.scope_name || state.me.scope} · ${t(`role_${state.me.role}`)}`;
  sessionStorage.setItem("orggraph.token", token);
  state.trail = [{ code: summary.scope, name: summary.scope_name, kind: summary.scope_kind }];
  $("signin").hidden = true;
  $("tabs").hidden = false;
  $("signout").hidden = false;
  show("overview");
  await openPlace(summary);
  if (allows("dispatcher")) loadCategories();
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    await signIn($("token").value.trim());
  } catch (error) {
    state.token = null;
    $("signin-error").textContent = error.message;
  }
});

$("signout").addEventListener("click", () => {
  sessionStorage.removeItem("orggraph.token");
  location.reload();
});

function show(view) {
  for (const name of ["overview", "escalation", "liaison", "cases", "proposals", "imports"]) $(name).hidden = name !== view;
  fitCharts($(view));
  if (view === "proposals") $("proposal-place").textContent = t("proposal_for", { place: current().name || current().code });
  if (view === "cases") openCases();
  for (const button of document.querySelectorAll("#tabs button")) button.classList.toggle("active", button.dataset.view === view);
}
for (const button of document.querySelectorAll("#tabs button")) button.addEventListener("click", () => show(button.dataset.view));

// -- overview and drill-down ----------------------------------------------------------------------

function overall(area) {
  const values = Object.values(area.ratios).map((r) => r.value).filter((v) => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

// The tiles' colour: the mean of the headline ratios, or the one ratio chosen in "colour by".
function score(area) {
  const by = $("colour-by").value;
  return by && area.ratios[by] ? area.ratios[by].value : overall(area);
}

const percent = (value) => (value === null ? "—" : `${Math.round(value * 1000) / 10}%`);

async function openPlace(summary) {
  const area = encodeURIComponent(current().code);
  state.summary = summary || (await (await api(`/v1/coverage/summary?area=${area}`)).json());
  state.below = ["district", "street"].includes(current().kind) ? null : (await (await api(`/v1/coverage/areas?area=${area}`)).json()).areas;
  state.page = 1;
  renderOverview();
  loadTrend();
  await loadFindings();
}

// The trend of the place shown: asked once per place (the server keeps it per store revision).
async function loadTrend() {
  const code = current().code;
  state.trend = null;
  $("trend-status").textContent = t("trend_loading");
  try {
    const answer = await api(`/v1/coverage/trend?${new URLSearchParams({ area: code })}`);
    if (current().code !== code) return;  // moved on meanwhile
    if (answer.status === 202) {  // the month-ends are being counted: ask again when told to
      const pending = await answer.json();
      $("trend-status").textContent = `${pick(pending.message_zh, pending.message_en)}…`;
      setTimeout(() => { if (current().code === code && !state.trend) loadTrend(); }, 1000 * (pending.retry_after_s || 5));
      return;
    }
    const trend = await answer.json();
    state.trend = trend;
    $("trend-status").textContent = "";
    renderTrend();
  } catch (error) {
    $("trend-status").textContent = error.message;
  }
}

const renderTrend = () => drawTrend(state.trend, $("colour-by").value || null);

// The name of the measure the tiles, bars and map show: a ratio chosen in "colour by", else the mean.
function measureName() {
  const by = $("colour-by").value;
  if (!["district", "street"].includes(current().kind)) return t("share_without_findings");
  return by ? pick(state.summary.ratio_names[by].zh, state.summary.ratio_names[by].en) : t("overall");
}

// The map's tree from the summary: the streets and their communities (a street: its communities; below:
// the areas below); a community's grids are asked for when it is opened on the map.
function mapTree() {
  const here = current();
  const scored = (a, kind) => ({ ...a, kind, value: score(a) });
  if (here.kind === "district") {
    return state.summary.streets.map((s) => mapNode(scored(s, "street"), state.summary.communities
      .filter((c) => c.street === s.code).map((c) => mapNode(scored(c, "community")))));
  }
  return children().map((a) => mapNode(a));
}

async function mapGrids(node) {
  if (node.kind !== "community") return null;
  const { areas } = await (await api(`/v1/coverage/areas?${new URLSearchParams({ area: node.code })}`)).json();
  return areas.map((a) => mapNode({ ...a, value: withoutFindings(a) }));
}

function openArea(area) {
  state.trail.push({ code: area.code, name: area.name, kind: area.kind });
  openPlace();
}

// A person's or a department's phone: whole where the role allows, else masked.
const phoneOf = (who) => (who ? who.phone || who.phone_masked : null);

// A post as findings name it, Chinese then English ("书记 secretary"): the page's language only.
const postName = (post) => { const [zh, ...en] = (post || "").split(" "); return pick(zh, en.join(" ")); };

const ruleName = (id) => { const n = (state.summary.rule_names || {})[id]; return n ? pick(n.zh, n.en) : id; };

const current = () => state.trail[state.trail.length - 1];

// Below a community there are no ratios per area: its score is the share of its households without a finding.
const withoutFindings = (area) => (area.households ? Math.max(0, 1 - area.findings / area.households) : null);

function children() {
  const here = current();
  if (here.kind === "district") return state.summary.streets.map((s) => ({ ...s, kind: "street", value: score(s) }));
  if (here.kind === "street") {
    return state.summary.communities.filter((c) => c.street === here.code).map((c) => ({ ...c, kind: "community", value: score(c) }));
  }
  // below a community: no ratios per grid or building
  return (state.below || []).map((a) => ({ ...a, value: withoutFindings(a) }));
}

function renderOverview() {
  const summary = state.summary;
  const crumbs = $("breadcrumb");
  crumbs.replaceChildren(...state.trail.map((place, i) => el("li", {},
    i === state.trail.length - 1 ? el("span", { textContent: place.name || place.code })
      : el("a", { textContent: place.name || place.code, onclick: () => { state.trail = state.trail.slice(0, i + 1); openPlace(); } }))));
  const totals = summary.totals;
  $("totals").replaceChildren(
    el("div", { className: "ratio" }, el("b", { textContent: percent(overall(totals)) }), t("overall")),
    ...Object.entries(totals.ratios).map(([name, ratio]) => el("div", { className: "ratio", title: `${ratio.numerator} / ${ratio.denominator}` },
      el("b", { textContent: percent(ratio.value) }), pick(summary.ratio_names[name].zh, summary.ratio_names[name].en))),
  );
  const colourBy = $("colour-by");
  const by = colourBy.value;
  colourBy.replaceChildren(el("option", { value: "", textContent: t("overall") }),
    ...Object.entries(summary.ratio_names).map(([name, n]) => el("option", { value: name, textContent: pick(n.zh, n.en) })));
  colourBy.value = by;
  colourBy.parentElement.hidden = !["district", "street"].includes(current().kind);
  const below = children();
  $("children-title").textContent = below.length ? t(`below_${below[0].kind}`) : t("no_children");
  $("tiles").replaceChildren(...below.sort((a, b) => (a.value ?? 2) - (b.value ?? 2)).map((area) => {
    const value = area.value;
    const b = band(value);
    return el("div", {
      className: `tile${b.ink === "#fff" ? " ink-light" : ""}`, style: `background:${b.colour}`, dataset: { code: area.code },
      onclick: () => openArea(area),
    }, el("h4", { textContent: area.name || area.code }), el("span", { className: "score", textContent: percent(value) }),
    el("small", { textContent: `${area.households} ${t("households")} · ${area.findings} ${t("findings")}` }));
  }));
  $("legend").replaceChildren(...scaleLegend());
  const measure = $("colour-by").value;
  const norm = measure && ["district", "street"].includes(current().kind) ? (summary.ratio_norms || {})[measure] : null;
  $("bars-box").hidden = !below.length;
  if (below.length) drawBars(below, t("bars_title", { ratio: measureName() }), norm, openArea);
  drawMap(current().name || current().code, mapTree(), current().kind === "district" || current().kind === "street" ? mapGrids : null, openArea);
  const rule = $("rule");
  const chosen = rule.value;
  rule.replaceChildren(el("option", { value: "", textContent: t("all") }), ...summary.rules.map((id) => el("option", { value: id, textContent: ruleName(id) })));
  rule.value = chosen;
}

async function loadFindings() {
  const query = new URLSearchParams({ area: current().code, page: state.page, per_page: 20, sort: $("sort").value });
  if ($("rule").value) query.set("rule", $("rule").value);
  if ($("severity").value) query.set("severity", $("severity").value);
  const found = await (await api(`/v1/coverage/findings?${query}`)).json();
  state.pages = found.pages;
  $("findings").tBodies[0].replaceChildren(...found.items.map((f) => el("tr", {},
    el("td", { className: `sev-${f.severity}`, textContent: t(`sev_${f.severity}`) }),
    el("td", { textContent: ruleName(f.rule), title: f.rule }),
    el("td", {}, el("a", { textContent: [f.street_name, f.community_name, f.name].filter(Boolean).join(" · "), onclick: () => showNode(f.node) })),
    el("td", { textContent: pick(f.message_zh, f.message) }),
    el("td", {}, f.responsible_org
      ? el("a", { textContent: [f.responsible_org_name, postName(f.responsible_post)].filter(Boolean).join(" · "), onclick: () => showNode(`org:${f.responsible_org}`) })
      : ""))));
  $("page").textContent = `${t("page", { p: found.page, n: found.pages })} · ${t("findings_count", { n: found.total })}`;
}

for (const id of ["rule", "severity", "sort"]) $(id).addEventListener("change", () => { state.page = 1; loadFindings(); });
$("colour-by").addEventListener("change", () => { renderOverview(); if (state.trend) renderTrend(); });

// A node of a finding, or the org responsible for it: kind, name, where it sits, its attributes.
async function showNode(id) {
  state.node = id;
  const panel = $("node-panel");
  panel.hidden = false;
  if (!allows("planner")) { panel.textContent = t("node_needs_planner"); return; }
  try {
    const node = await (await api(`/v1/nodes/${encodeURIComponent(id)}`)).json();
    const { kind, name, code, ...attrs } = node.attrs;  // the kind, name and code head the panel
    const place = (ref) => (ref && typeof ref === "object" ? ref.name || ref.code : ref);
    const rows = { ...attrs, street: place(node.street), community: place(node.community), grid: place(node.grid) };
    const shown = (k, v) => (Array.isArray(v) ? v.map((x) => valueName(k, x)).join("、") : valueName(k, v));
    panel.replaceChildren(el("b", { textContent: `${node.name || node.code} (${kindName(node.kind)})` }),
      el("dl", {}, ...Object.entries(rows).filter(([, v]) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length))
        .flatMap(([k, v]) => [el("dt", { textContent: word("attrs", k) }), el("dd", { textContent: shown(k, v) })])));
  } catch (error) {
    panel.textContent = error.message;
  }
}
$("prev").addEventListener("click", () => { if (state.page > 1) { state.page -= 1; loadFindings(); } });
$("next").addEventListener("click", () => { if (state.page < state.pages) { state.page += 1; loadFindings(); } });

$("export").addEventListener("click", async () => {
  $("export-status").textContent = t("exporting");
  try {
    const query = new URLSearchParams({ area: current().code, format: "xlsx" });
    if ($("rule").value) query.set("rule", $("rule").value);
    const name = await download(await api(`/v1/coverage/export?${query}`), "coverage.xlsx");
    $("export-status").textContent = t("exported", { name });
  } catch (error) {
    $("export-status").textContent = error.message;
  }
});

async function download(answer, fallback) {
  const disposition = answer.headers.get("Content-Disposition") || "";
  const name = decodeURIComponent((disposition.match(/filename\*=UTF-8''([^;]+)/) || [])[1] || fallback);
  const link = el("a", { href: URL.createObjectURL(await answer.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  return name;
}

// -- escalation -----------------------------------------------------------------------------------

async function loadCategories() {
  try {
    const { categories } = await (await api("/v1/categories")).json();
    for (const id of ["category", "case-category"]) $(id).replaceChildren(...categories.map((c) => el("option", { value: c, textContent: c })));
  } catch (error) {
    $("escalation-error").textContent = error.message;  // a viewer may not ask for escalation paths
  }
}

// A household code, an address, or a person (node id or masked ID number, 1101**********002X): their home.
async function escalation(start, category) {
  const ask = (key, value) => api(`/v1/escalation?${new URLSearchParams({ [key]: value, category })}`);
  try {
    return await (await ask("household", start)).json();
  } catch (error) {
    if (error.status !== 404) throw error;
    if (!start.includes("*") && !start.startsWith("person:")) return (await ask("address", start)).json();
    const member = await (await api(`/v1/members/${encodeURIComponent(start)}`)).json();
    if (!member.residence) throw error;
    return (await ask("household", member.residence.household.code)).json();
  }
}

$("escalation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("escalation-error").textContent = "";
  $("path").replaceChildren();
  try {
    const path = await escalation($("household").value.trim(), $("category").value);
    const when = (iso) => new Date(iso).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB");
    const steps = path.steps.map((s) => el("div", { className: "step" },
      el("span", { className: "deadline", textContent: `${t("deadline")} ${when(s.deadline)}` }),
      el("div", { className: "level", textContent: pick(s.level_zh, s.level_en) }),
      el("div", { className: "who", textContent: [
        s.person ? s.person.name : s.unit && s.unit.name,
        pick(s.role_zh, s.role_en) + (s.deputy ? t("deputy") : ""),
        phoneOf(s.person || s.unit),
        s.org && s.org.name,
      ].filter(Boolean).join(" · ") }),
      el("div", { className: "why", textContent: pick(s.reason.zh, s.reason.en) })));
    const skipped = path.skipped.map((s) => el("div", { className: "step skipped" },
      el("div", { className: "level", textContent: `${t("skipped")} · ${pick(s.role_zh, s.role_en)}` }), el("div", { textContent: pick(s.zh, s.en) })));
    $("path").replaceChildren(
      el("h3", { textContent: `${path.address || path.household.code} · ${path.category}` }),
      el("div", { className: "steps" }, ...steps, ...skipped),
      ...(path.helpers.length ? [el("h4", { textContent: t("helpers") }),
        el("ul", {}, ...path.helpers.map((h) => el("li", { textContent: `${h.unit.name} · ${h.project.name}` })))] : []),
    );
  } catch (error) {
    $("escalation-error").textContent = error.message;
  }
});

// -- liaison search: who serves a household; what a person or a community is linked to -------------

// The one asked about in the middle, what it is linked to in columns on both sides: every label has its own
// row, so none overlaps another however many there are (up to 24; the list below has them all).
const clip = (text, n) => (text && text.length > n ? `${text.slice(0, n - 1)}…` : text || "");

function drawGraph(center, around) {
  const svg = $("graph");
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs, text) => {
    const made = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) made.setAttribute(k, v);
    if (text) {
      made.textContent = clip(text, 20);
      if (text.length > 20) made.append(Object.assign(document.createElementNS(ns, "title"), { textContent: text }));
    }
    return made;
  };
  const shown = around.slice(0, 24);
  const sides = shown.length > 6 ? 2 : 1;
  const rows = Math.max(1, Math.ceil(shown.length / sides));
  const [width, rowHeight, margin] = [960, 40, 16];
  const height = Math.max(140, 2 * margin + rows * rowHeight);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", height);
  const [cx, cy] = [width / 2, height / 2];
  const xs = sides === 2 ? [300, 660] : [600];  // the dots; labels outward of them
  const items = [];
  shown.forEach((other, i) => {
    const side = sides === 2 ? i % 2 : 0;
    const row = sides === 2 ? Math.floor(i / 2) : i;
    const [x, y] = [xs[side], margin + row * rowHeight + rowHeight / 2 + (height - 2 * margin - rows * rowHeight) / 2];
    const left = sides === 2 && side === 0;
    const anchor = { x: left ? x - 12 : x + 12, "text-anchor": left ? "end" : "start" };
    items.push(node("line", { x1: cx, y1: cy, x2: x, y2: y }));
    items.push(node("circle", { cx: x, cy: y, r: 7, class: other.kind === "person" ? "person" : "place" }));
    items.push(node("text", { ...anchor, y: y - 4, class: "label" }, other.label));
    items.push(node("text", { ...anchor, y: y + 15, class: "muted label" }, other.role));
  });
  items.push(node("circle", { cx, cy, r: 10, class: "center" }));
  items.push(node("text", { x: cx, y: cy + 26, "text-anchor": "middle", class: "label center-label" }, center));
  svg.replaceChildren(...items);
}

const personLabel = (p) => [p.name, phoneOf(p)].filter(Boolean).join(" ");

async function liaisonSearch(kind, what) {
  if (kind === "household") {
    const ask = (key) => api(`/v1/liaison?${new URLSearchParams({ [key]: what })}`);
    let found;
    try { found = await (await ask("household")).json(); } catch (error) {
      if (error.status !== 404) throw error;
      found = await (await ask("address")).json();
    }
    const posts = [
      ...["contacting_members", "central_household", "building_group_leader", "branch_secretary", "community_secretary",
        "liaison_leaders", "street_secretary"].flatMap((key) => found[key]),
      ...Object.values(found.grid_staff).flat(),
    ];
    return {
      center: found.address || found.household.code,
      around: posts.map((p) => ({ kind: "person", label: personLabel(p.person), role: pick(p.role_zh, p.role_en) })),
      list: [...posts.map((p) => `${pick(p.role_zh, p.role_en)} · ${personLabel(p.person)} · ${pick(p.zh, p.en)}`),
        ...found.vacant.map((v) => `${t("vacant")} · ${pick(v.zh, v.en)}`)],
    };
  }
  if (kind === "building") {
    const found = await (await api(`/v1/liaison/building?${new URLSearchParams({ building: what })}`)).json();
    const posts = [
      ...["building_group_leader", "branch_secretary", "community_secretary", "liaison_leaders", "street_secretary"].flatMap((key) => found[key]),
      ...Object.values(found.grid_staff).flat(),
    ];
    return {
      center: `${found.building.name} · ${found.households} ${t("households")}`,
      around: posts.map((p) => ({ kind: "person", label: personLabel(p.person), role: pick(p.role_zh, p.role_en) })),
      list: [...posts.map((p) => `${pick(p.role_zh, p.role_en)} · ${personLabel(p.person)} · ${pick(p.zh, p.en)}`),
        ...found.vacant.map((v) => `${t("vacant")} · ${pick(v.zh, v.en)}`)],
    };
  }
  if (kind === "member") {
    const found = await (await api(`/v1/members/${encodeURIComponent(what)}`)).json();
    const around = [
      ...found.contacts.map((c) => ({ kind: "household", label: c.address || c.household.code, role: linkName("CONTACTS") })),
      ...found.posts.map((p) => ({ kind: "org", label: p.org.name, role: linkName(p.post) })),
      ...found.grid_roles.map((g) => ({ kind: "grid", label: g.grid.name, role: linkName(g.role) })),
      ...found.liaises_with.map((c) => ({ kind: "community", label: c.name, role: linkName("LIAISES_WITH") })),
      ...(found.residence ? [{ kind: "household", label: found.residence.address || found.residence.household.code, role: linkName("LIVES_IN") }] : []),
      ...(found.registered_with ? [{ kind: "community", label: found.registered_with.name, role: linkName("REGISTERED_WITH") }] : []),
    ];
    return { center: personLabel(found.person), around, list: around.map((a) => `${a.role} · ${a.label}`) };
  }
  if (kind === "unit") {
    const found = await (await api(`/v1/units/${encodeURIComponent(what)}`)).json();
    const around = [
      ...(found.located_in ? [{ kind: "area", label: found.located_in.name, role: linkName("LOCATED_IN") }] : []),
      ...(found.registered_with ? [{ kind: "community", label: found.registered_with.name, role: linkName("REGISTERED_WITH") }] : []),
      ...found.liaises_with.map((c) => ({ kind: "community", label: c.name, role: linkName("LIAISES_WITH") })),
      ...found.manages.map((c) => ({ kind: "compound", label: c.name, role: linkName("MANAGES") })),
      ...found.projects.map((p) => ({ kind: "project", label: p.project.name, role: linkName("PROVIDES") })),
      ...found.party_orgs.map((o) => ({ kind: "org", label: o.name, role: linkName("PARTY_ORG_OF") })),
    ];
    return { center: found.unit.name, around, list: around.map((a) => `${a.role} · ${a.label}`) };
  }
  const found = await (await api(`/v1/communities/${encodeURIComponent(what)}`)).json();
  const around = [
    ...found.liaison_leaders.map((p) => ({ kind: "person", label: personLabel(p), role: t("role_liaison_leader") })),
    ...found.liaison_units.map((u) => ({ kind: "unit", label: u.name, role: t("role_liaison_unit") })),
    ...found.registered_units.map((u) => ({ kind: "unit", label: u.name, role: t("role_registered_unit") })),
    ...found.live_projects.map((p) => ({ kind: "project", label: p.project.name, role: t("role_live_project") })),
  ];
  return { center: found.community.name, around, list: [t("registered_members", { n: found.registered_member_count }), ...around.map((a) => `${a.role} · ${a.label}`)] };
}

$("liaison-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("liaison-error").textContent = "";
  $("graph").replaceChildren();
  $("liaison-list").replaceChildren();
  try {
    const found = await liaisonSearch($("liaison-kind").value, $("liaison-what").value.trim());
    drawGraph(found.center, found.around);
    $("liaison-list").replaceChildren(...found.list.map((line) => el("li", { textContent: line })));
  } catch (error) {
    $("liaison-error").textContent = error.message;
  }
});

// -- cases (事件): how an area answers them, its open cases, one case's path and timeline, moving it on ----

// The events a caller may send in each status (orggraph/cases/model.py); the others are not offered.
const CASE_MOVES = {
  dispatched: ["accept", "hand_on"],
  accepted: ["act", "resolve", "hand_on"],
  acting: ["resolve", "hand_on"],
  resolved: ["rate", "close", "reopen"],
  closed: ["reopen", "rate"],  // rate: once, when the clock closed it unrated
};
const RATES = ["response", "resolution", "satisfaction"];
const RATINGS = ["satisfied", "basically", "unsatisfied"];
const cases = { area: null, page: 1, pages: 1, metrics: null, list: null, detail: null, key: null, reporting: false };

// Instants as the API gives them, in the district's time zone: its wall time to the minute, not the browser's.
const wallTime = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "—");
const caseStatus = (c) => pick(c.status_zh, c.status);
const holderLabel = (h) => (h ? [h.name || h.id, pick(h.role_zh, h.role_en), phoneOf(h)].filter(Boolean).join(" · ") : t("unassigned"));
const overdueMark = () => el("span", { className: "overdue-mark", textContent: t("overdue") });
const scoreText = (value) => (value === null || value === undefined ? "—" : String(Math.round(value * 10) / 10));
// A key per report: kept across a double click or a retry, so the server makes one case; new once one is made.
const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
  : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join(""));

function openCases() {
  cases.area = null;
  cases.page = 1;
  $("case-report").hidden = !allows("dispatcher");
  $("cases-overdue").closest(".filters").hidden = !allows("dispatcher");  // the list is a dispatcher's
  loadCaseMetrics();
  loadCaseList();
}

function renderCases() {
  renderCaseMetrics();
  renderCaseList();
  renderCase();
}

async function loadCaseMetrics() {
  $("cases-metrics-error").textContent = "";
  const query = new URLSearchParams({ area: current().code });
  if ($("cases-from").value) query.set("from", $("cases-from").value);
  if ($("cases-to").value) query.set("to", $("cases-to").value);
  try {
    cases.metrics = await (await api(`/v1/cases/metrics?${query}`)).json();
  } catch (error) {
    cases.metrics = null;
    $("cases-metrics-error").textContent = error.message;
  }
  renderCaseMetrics();
}

function renderCaseMetrics() {
  const m = cases.metrics;
  const place = current() ? current().name || current().code : "";
  $("cases-place").textContent = [t("proposal_for", { place }), m ? t("period", { since: m.since, until: m.until }) : ""].filter(Boolean).join(" · ");
  const body = $("cases-communities").tBodies[0];
  if (!m) {
    $("chart-cases").parentElement.hidden = true;
    $("cases-totals").replaceChildren();
    body.replaceChildren();
    return;
  }
  const rateName = (k) => (m.rate_names[k] ? pick(m.rate_names[k].zh, m.rate_names[k].en) : t(`rate_${k}`));
  const box = (value, label, className = "") => el("div", { className: `ratio ${className}` }, el("b", { textContent: value }), label);
  $("cases-totals").replaceChildren(
    box(m.received, t("col_received")),
    box(m.responded_on_time, t("on_time")),
    box(m.resolved, t("resolved")),
    box(m.overdue_now, t("col_overdue_now"), m.overdue_now ? "alert" : ""),
    ...RATES.map((k) => box(percent(m.rates[k]), rateName(k))),
    box(scoreText(m.score), t("col_score")),
    box(RATES.map((k) => Math.round((m.weights[k] ?? 0) * 100)).join("/"), t("weights"), "weights"),
  );
  // worst first: the most overdue now, then the lowest score
  const rows = [...m.communities].sort((a, b) => b.overdue_now - a.overdue_now || (a.score ?? -1) - (b.score ?? -1));
  body.replaceChildren(...rows.map((c) => el("tr", { dataset: { community: c.community } },
    el("td", {}, el("a", { textContent: c.name || c.community, onclick: () => { cases.area = { code: c.community, name: c.name }; cases.page = 1; loadCaseList(); } })),
    el("td", { className: c.overdue_now ? "overdue" : "" }, String(c.overdue_now), ...(c.overdue_now ? [" ", overdueMark()] : [])),
    el("td", { textContent: c.received }),
    ...RATES.map((k) => el("td", { textContent: percent(c.rates[k]) })),
    el("td", { textContent: scoreText(c.score) }))));
  if (!rows.length) body.replaceChildren(el("tr", {}, el("td", { colSpan: 7, className: "muted", textContent: t("no_cases") })));
  $("chart-cases").parentElement.hidden = !rows.length;
  if (rows.length) drawCases(rows, rateName("response"));
}

async function loadCaseList() {
  $("cases-error").textContent = "";
  const query = new URLSearchParams({ area: cases.area ? cases.area.code : current().code, status: "open", page: cases.page, per_page: 20 });
  if ($("cases-overdue").checked) query.set("overdue", "true");
  try {
    cases.list = await (await api(`/v1/cases?${query}`)).json();
  } catch (error) {
    cases.list = null;
    $("cases-error").textContent = error.message;  // a viewer sees the metrics, not the cases
  }
  renderCaseList();
}

function renderCaseList() {
  const list = cases.list;
  $("case-list").hidden = !list;
  $("cases-page").parentElement.hidden = !list;
  $("cases-area").replaceChildren(...(cases.area ? [t("community_filter", { name: cases.area.name || cases.area.code }), " · ",
    el("a", { className: "link", textContent: t("show_all"), onclick: () => { cases.area = null; cases.page = 1; loadCaseList(); } })] : []));
  if (!list) return;
  cases.pages = Math.max(1, Math.ceil(list.total / list.per_page));
  const body = $("case-list").tBodies[0];
  body.replaceChildren(...list.cases.map((c) => el("tr", { className: c.overdue ? "overdue" : "", dataset: { case: c.id }, onclick: () => openCase(c.id) },
    el("td", {}, el("a", { textContent: c.id })),
    el("td", {}, caseStatus(c), ...(c.overdue ? [" ", overdueMark()] : []),
      ...(c.escalations ? [el("small", { className: "muted", textContent: ` · ${t("escalated_times", { n: c.escalations })}` })] : [])),
    el("td", { textContent: c.category }),
    el("td", { textContent: c.address || "" }),
    el("td", { textContent: holderLabel(c.assignee) }),
    el("td", { textContent: wallTime(c.due_at), title: c.due_at || "" }),
    el("td", { textContent: wallTime(c.reported_at), title: c.reported_at }))));
  if (!list.cases.length) body.replaceChildren(el("tr", {}, el("td", { colSpan: 7, className: "muted", textContent: t("no_cases") })));
  $("cases-page").textContent = `${t("page", { p: list.page, n: cases.pages })} · ${t("cases_count", { n: list.total })}`;
}

$("cases-filters").addEventListener("submit", (event) => { event.preventDefault(); loadCaseMetrics(); loadCaseList(); });
$("cases-overdue").addEventListener("change", () => { cases.page = 1; loadCaseList(); });
$("cases-prev").addEventListener("click", () => { if (cases.page > 1) { cases.page -= 1; loadCaseList(); } });
$("cases-next").addEventListener("click", () => { if (cases.page < cases.pages) { cases.page += 1; loadCaseList(); } });

async function openCase(id) {
  try {
    cases.detail = await (await api(`/v1/cases/${encodeURIComponent(id)}`)).json();
    renderCase();
  } catch (error) {
    cases.detail = null;
    renderCase();
    $("case-detail").hidden = false;
    $("case-detail").textContent = error.message;
  }
  $("case-detail").scrollIntoView({ block: "nearest" });
}

// What a timeline entry adds: its note, the rating, where a hand-on went, whom an escalation left.
function eventNote(e) {
  const said = [];
  if (e.note) said.push(e.note);
  if (e.rating) said.push(t(`rating_${e.rating}`));
  if (e.type === "escalate" && e.to) said.push(t("escalated_from", { name: e.to_name || e.to }));
  else if (e.to && e.to !== "next") said.push(`→ ${e.to_name || e.to}`);
  return said.join(" · ");
}

function caseActions(c) {
  const moves = (CASE_MOVES[c.status] || []).filter((type) => type !== "rate" || !c.rating);
  if (!moves.length) return el("p", { className: "muted", textContent: t("no_actions") });
  const extras = [];
  if (moves.includes("rate")) {
    extras.push(el("label", {}, `${t("rating")} `,
      el("select", { id: "case-rating" }, ...RATINGS.map((r) => el("option", { value: r, textContent: t(`rating_${r}`) })))));
  }
  if (moves.includes("hand_on")) extras.push(el("input", { id: "case-to", maxLength: 200, placeholder: t("hand_to"), title: t("hand_to") }));
  return el("div", { id: "case-actions", className: "filters" },
    el("input", { id: "case-note", maxLength: 500, placeholder: t("note"), title: t("note") }), ...extras,
    ...moves.map((type) => el("button", { type: "button", dataset: { event: type }, textContent: t(`ev_${type}`), onclick: () => moveCase(c.id, type) })));
}

function renderCase() {
  const c = cases.detail;
  const panel = $("case-detail");
  panel.hidden = !c;
  if (!c) return;
  const row = (label, ...value) => [el("dt", { textContent: label }), el("dd", {}, ...value)];
  const deadlines = ["reply", "act", "result"].filter((k) => c.due[k]).map((k) => `${t(`due_${k}`)} ${wallTime(c.due[k])}`).join(" · ");
  const steps = c.path.map((s, i) => el("li", { className: `step${i === c.step ? " current" : ""}${i < c.step ? " passed" : ""}`, dataset: { step: i } },
    el("div", { className: "level", textContent: `${i + 1}. ${pick(s.level_zh, s.level_en)}${i === c.step ? ` · ${t("current_step")}` : ""}` }),
    el("div", { className: "who", textContent: [
      s.person ? s.person.name : s.unit && s.unit.name,
      pick(s.role_zh, s.role_en) + (s.deputy ? t("deputy") : ""),
      phoneOf(s.person || s.unit),
    ].filter(Boolean).join(" · ") }),
    el("div", { className: "why", textContent: pick(s.reason_zh, s.reason_en) })));
  panel.replaceChildren(
    el("h3", {}, `${c.id} · `, el("span", { className: `status status-${c.status}`, textContent: caseStatus(c) }), ...(c.overdue ? [" ", overdueMark()] : [])),
    el("dl", {},
      ...row(t("category"), c.category),
      ...row(t("col_address"), c.address || c.household),
      ...row(t("case_description"), el("span", { className: "description", textContent: c.description })),
      ...row(t("case_source"), t(`source_${c.source}`)),
      ...row(t("col_reported"), wallTime(c.reported_at)),
      ...row(t("col_holder"), holderLabel(c.assignee)),
      ...row(t("col_due"), wallTime(c.due_at), ...(c.overdue ? [" ", overdueMark()] : [])),
      ...(deadlines ? row(t("deadlines"), deadlines) : []),
      ...(c.contact && c.contact.masked ? row(t("contact"), c.contact.phone || c.contact.masked) : []),
      ...(c.escalations || c.exhausted ? row(t("escalations"), [String(c.escalations), c.exhausted ? t("exhausted") : ""].filter(Boolean).join(" · ")) : [])),
    caseActions(c),
    el("p", { id: "case-action-error", className: "error", role: "alert" }),
    el("div", { className: "case-columns" },
      el("div", {}, el("h4", { textContent: t("path_title") }), el("ol", { id: "case-path", className: "steps" }, ...steps)),
      el("div", {}, el("h4", { textContent: t("timeline") }),
        el("table", { id: "case-timeline" },
          el("thead", {}, el("tr", {}, ...["col_time", "col_event", "col_holder", "col_note"].map((k) => el("th", { textContent: t(k) })))),
          el("tbody", {}, ...c.events.map((e) => el("tr", { dataset: { type: e.type } },
            el("td", { textContent: wallTime(e.at), title: e.at }),
            el("td", { textContent: pick(e.type_zh, e.type_en) }),
            el("td", { textContent: e.assignee_name || e.assignee || "" }),
            el("td", { textContent: eventNote(e) }))))))),
  );
}

async function moveCase(id, type) {
  const body = { type };
  const note = $("case-note").value.trim();
  if (note) body.note = note;
  if (type === "rate") body.rating = $("case-rating").value;
  if (type === "hand_on" && $("case-to").value.trim()) body.to = $("case-to").value.trim();
  for (const button of document.querySelectorAll("#case-actions button")) button.disabled = true;
  try {
    cases.detail = await (await send(`/v1/cases/${encodeURIComponent(id)}/events`, body)).json();
    renderCase();
    loadCaseList();
    loadCaseMetrics();
  } catch (error) {
    if (error.status === 409) {  // the case moved on meanwhile: show it as it is now, with the reason
      try { cases.detail = await (await api(`/v1/cases/${encodeURIComponent(id)}`)).json(); renderCase(); } catch (_) { /* keep what is shown */ }
    }
    for (const button of document.querySelectorAll("#case-actions button")) button.disabled = false;
    $("case-action-error").textContent = error.message;
  }
}

$("case-form").addEventListener("input", () => { cases.key = null; });  // a changed report is a new one
$("case-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (cases.reporting) return;  // a double click: the first submission is under way
  cases.reporting = true;
  const button = $("case-form").querySelector("button[type=submit]");
  button.disabled = true;
  $("case-form-error").textContent = "";
  $("case-form-status").textContent = t("running");
  cases.key = cases.key || newKey();
  const where = $("case-where").value.trim();
  const body = {
    [/^[\w:./-]+$/.test(where) ? "household" : "address"]: where,
    category: $("case-category").value,
    description: $("case-description").value.trim(),
    source: $("case-source").value,
  };
  if ($("case-contact").value.trim()) body.contact = $("case-contact").value.trim();
  try {
    const answer = await send("/v1/cases", body, { "Idempotency-Key": cases.key });
    const made = await answer.json();
    cases.key = null;
    for (const id of ["case-where", "case-description", "case-contact"]) $(id).value = "";
    $("case-form-status").textContent = t(answer.status === 201 ? "reported" : "reported_before", { id: made.id });
    cases.detail = made;
    renderCase();
    loadCaseList();
    loadCaseMetrics();
  } catch (error) {
    $("case-form-status").textContent = "";
    $("case-form-error").textContent = error.message;
  } finally {
    cases.reporting = false;
    button.disabled = false;
  }
});

// -- proposals ------------------------------------------------------------------------------------

$("proposal-run").addEventListener("click", async () => {
  $("proposal-status").textContent = t("running");
  try {
    const kind = $("proposal-kind").value;
    state.proposal = { kind, found: await (await api(`/v1/proposals/${kind}?${new URLSearchParams({ area: current().code })}`)).json() };
    renderProposal();
    $("proposal-status").textContent = "";
  } catch (error) {
    $("proposal-status").textContent = error.message;
  }
});

function renderProposal() {
  const { kind, found } = state.proposal;
  $("proposal-counts").replaceChildren(...Object.entries(found.counts).map(([k, v]) => el("div", { className: "ratio" }, el("b", { textContent: v }), t(`pc_${k}`))));
  const columns = kind === "contacts" ? ["household", "member_name", "member", "tier", "care_tags"] : ["community", "leader_name", "leader", "tier", "communities_before"];
  const cell = (a, c) => (c === "tier" ? t(`tier_${a.tier}`) : c === "care_tags" ? a.care_tags.map((tag) => valueName("care_tags", tag)).join("、") : String(a[c] ?? ""));
  $("proposal-table").tHead.replaceChildren(el("tr", {}, ...columns.map((c) => el("th", { textContent: t(`pcol_${c}`) }))));
  $("proposal-table").tBodies[0].replaceChildren(...found.assignments.map((a) => el("tr", {}, ...columns.map((c) => el("td", { textContent: cell(a, c) })))));
}

$("proposal-roster").addEventListener("click", async () => {
  try {
    const query = new URLSearchParams({ area: current().code, format: "xlsx" });
    const name = await download(await api(`/v1/proposals/${$("proposal-kind").value}/roster?${query}`), "roster.xlsx");
    $("proposal-status").textContent = t("exported", { name });
  } catch (error) {
    $("proposal-status").textContent = error.message;
  }
});

// -- roster import: dry run, then apply; the report as a spreadsheet ----------------------------------

async function upload(dryRun, report = "json") {
  const form = new FormData();
  for (const file of $("import-files").files) form.append("files", file);
  form.append("dry_run", dryRun ? "true" : "false");
  form.append("partial", $("import-partial").checked ? "true" : "false");
  form.append("best_effort", $("import-best").checked ? "true" : "false");
  const answer = await fetch(`/v1/imports?report=${report}`, { method: "POST", body: form, headers: { Authorization: `Bearer ${state.token}` } });
  if (!answer.ok) throw new ApiError(answer.status, await answer.json().catch(() => ({})));
  return answer;
}

function showReport(report) {
  state.report = report;
  $("import-verdict").textContent = pick(report.verdict_zh, report.verdict);
  const outcomes = ["created", "updated", "unchanged", "ended", "rejected"];
  $("import-counts").tHead.replaceChildren(el("tr", {}, el("th", { textContent: t("roster") }), ...outcomes.map((o) => el("th", { textContent: t(`out_${o}`) }))));
  $("import-counts").tBodies[0].replaceChildren(...Object.entries(report.counts).map(([kind, counts]) =>
    el("tr", {}, el("td", { textContent: t(`roster_${kind}`) }), ...outcomes.map((o) => el("td", { textContent: counts[o] ?? 0 })))));
  $("import-rejections").tBodies[0].replaceChildren(...report.rejections.map((r) => el("tr", {},
    el("td", { textContent: r.file }), el("td", { textContent: r.row ?? "" }), el("td", { textContent: r.column ?? "" }),
    el("td", { textContent: pick(r.reason_zh, r.reason) }))));
}

$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("import-verdict").textContent = t("running");
  try {
    const report = await (await upload(true)).json();
    showReport(report);
    $("import-apply").disabled = report.rejections.length > 0 && !$("import-best").checked;
    $("import-report").disabled = false;
  } catch (error) {
    $("import-verdict").textContent = error.message;
  }
});

$("import-apply").addEventListener("click", async () => {
  $("import-verdict").textContent = t("running");
  try {
    showReport(await (await upload(false)).json());
    $("import-apply").disabled = true;
  } catch (error) {
    $("import-verdict").textContent = error.message;
  }
});

$("import-report").addEventListener("click", async () => {
  try {
    await download(await upload(true, "xlsx"), "import-report.xlsx");
  } catch (error) {
    $("import-verdict").textContent = error.message;
  }
});

// -- start ----------------------------------------------------------------------------------------

translate();
if (state.token) signIn(state.token).catch(() => sessionStorage.removeItem("orggraph.token"));
