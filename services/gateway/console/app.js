// Open-AutoGLM console: sign in with a token, submit a task, follow it live, read its plan, trace and answer.
// Plain JavaScript, no libraries and nothing fetched from elsewhere: it works offline.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const COLORS = { pending: "#b7bdc9", running: "#2f6fed", completed: "#1f9d55", failed: "#d64545", skipped: "#d9dce3", intent: "#7b5cd6" };
const FINAL = new Set(["completed", "failed", "needs_clarification", "blocked", "partial"]);

const state = { token: null, taskId: null, steps: new Map(), intents: [], tokens: new Map(), result: null,
  lastEventId: null, abort: null, started: 0, timer: null };

// ------------------------------------------------------------------ HTTP

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}), Authorization: `Bearer ${state.token}` };
  const resp = await fetch(path, { ...options, headers });
  if (resp.status === 401) { signOut(); throw new Error("signed out: the token was refused"); }
  return resp;
}

async function problemText(resp) {
  try { const p = await resp.json(); return p.detail || p.title || `HTTP ${resp.status}`; }
  catch { return `HTTP ${resp.status}`; }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// ------------------------------------------------------------------ sign in

async function signIn(token) {
  state.token = token.trim();
  $("signin-error").textContent = "";
  let resp;
  try { resp = await fetch("/v1/me", { headers: { Authorization: `Bearer ${state.token}` } }); }
  catch (e) { $("signin-error").textContent = `gateway unreachable: ${e.message}`; return; }
  if (!resp.ok) { $("signin-error").textContent = await problemText(resp); state.token = null; showSignIn(); return; }
  const me = await resp.json();
  localStorage.setItem("autoglm.token", state.token);
  $("who").textContent = `tenant ${me.tenant}${me.user ? " · " + me.user : ""}`;
  $("who").hidden = false; $("signout").hidden = false;
  $("signin").hidden = true; $("app").hidden = false;
  loadRecent();
}

function showSignIn() { $("signin").hidden = false; $("app").hidden = true; $("who").hidden = true; $("signout").hidden = true; }

function signOut() {
  localStorage.removeItem("autoglm.token");
  state.token = null;
  if (state.abort) state.abort.abort();
  showSignIn();
}

// ------------------------------------------------------------------ tasks

async function submitTask(event) {
  event.preventDefault();
  $("submit-error").textContent = "";
  const body = { text: $("text").value.trim() };
  if ($("session").value.trim()) body.session_id = $("session").value.trim();
  $("submit").disabled = true;
  try {
    const resp = await api("/v1/tasks", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!resp.ok) { $("submit-error").textContent = await problemText(resp); return; }
    openTask(await resp.json());
  } catch (e) { $("submit-error").textContent = e.message; }
  finally { $("submit").disabled = false; }
}

function openTask(doc) {
  if (state.abort) state.abort.abort();
  Object.assign(state, { taskId: doc.task_id, steps: new Map(), intents: [], tokens: new Map(), result: null,
    lastEventId: null, started: Date.now() });
  $("task").hidden = false;
  $("task-id").textContent = doc.task_id;
  $("request").textContent = doc.request || "";
  $("answer").textContent = ""; $("citations").hidden = true; $("reasoning").hidden = true;
  $("graph").replaceChildren(el("p", { class: "muted", text: "The plan appears when the planner has built it." }));
  $("steps").replaceChildren();
  $("waterfall").replaceChildren(el("p", { class: "muted", text: "Spans across the services, once the task has finished." }));
  $("feedback-state").textContent = ""; $("correction").value = ""; $("comment").value = "";
  for (const b of ["thumbs-up", "thumbs-down"]) { $(b).classList.remove("chosen"); $(b).disabled = true; }
  setStatus(doc.status);
  clearInterval(state.timer);
  state.timer = setInterval(() => { if (!state.result) $("elapsed").textContent = `${((Date.now() - state.started) / 1000).toFixed(1)} s`; }, 200);
  stream(doc.task_id, 0);
}

function setStatus(status) {
  const badge = $("status");
  badge.textContent = status.replace("_", " ");
  badge.className = `badge ${status}`;
}

// Server-Sent Events over fetch (EventSource can't send an Authorization header); on a dropped
// connection it reconnects with Last-Event-ID, so nothing is lost or repeated.
async function stream(taskId, attempt) {
  const abort = new AbortController();
  state.abort = abort;
  const headers = { Accept: "text/event-stream" };
  if (state.lastEventId !== null) headers["Last-Event-ID"] = state.lastEventId;
  try {
    const resp = await api(`/v1/tasks/${encodeURIComponent(taskId)}/events`, { headers, signal: abort.signal });
    if (!resp.ok) { $("answer").textContent = await problemText(resp); return; }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        dispatch(block);
      }
    }
  } catch (e) {
    if (abort.signal.aborted) return;
  }
  if (state.taskId === taskId && !state.result && attempt < 30) {
    setTimeout(() => stream(taskId, attempt + 1), 1000);
  }
}

function dispatch(block) {
  let event = "message", id = null, data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
    if (field === "event") event = value; else if (field === "id") id = value; else if (field === "data") data += value;
  }
  if (!data) return;
  if (id !== null) state.lastEventId = id;
  const doc = JSON.parse(data);
  if (event === "plan") {
    state.intents = doc.intents || [];
    for (const s of doc.steps || []) state.steps.set(s.id, { ...s, status: state.steps.get(s.id)?.status || s.status });
    setStatus("running"); redraw();
  } else if (event === "step") {
    for (const s of doc.steps || []) state.steps.set(s.id, { ...(state.steps.get(s.id) || {}), ...s });
    setStatus("running"); redraw();
  } else if (event === "token") {
    state.tokens.set(doc.step_id, (state.tokens.get(doc.step_id) || "") + (doc.delta || ""));
    if (!state.result) $("answer").textContent = [...state.tokens.values()].join("\n");
  } else if (event === "result") {
    showResult(doc);
  }
}

// ------------------------------------------------------------------ the result

function showResult(r) {
  state.result = r;
  setStatus(r.status);
  $("elapsed").textContent = `${(r.duration_ms / 1000).toFixed(2)} s`;
  for (const s of r.steps || []) state.steps.set(s.id, s);
  if (r.intents && r.intents.length) state.intents = r.intents;
  redraw();
  const { body, cites } = splitCitations(r.answer || "", r.citations);
  $("answer").textContent = body || r.error || "(no answer)";
  const list = $("citations");
  list.replaceChildren(...cites.map((c) => el("li", { text: c })));
  list.hidden = cites.length === 0;
  showReasoning(r.reasoning_path);
  for (const b of ["thumbs-up", "thumbs-down"]) $(b).disabled = false;
  setTimeout(loadTrace, 900); // span processors flush every 200 ms
  loadRecent();
}

function citationText(c) {
  if (typeof c === "string") return c;
  return [c.citation || c.title, c.source, c.text && `“${c.text.slice(0, 120)}”`].filter(Boolean).join(" — ");
}

function splitCitations(answer, structured) {
  if (Array.isArray(structured) && structured.length) return { body: answer, cites: structured.map(citationText) };
  const lines = answer.split("\n");
  const cites = [];
  while (lines.length && /^\[\d+\]\s/.test(lines[lines.length - 1].trim())) cites.unshift(lines.pop().trim().replace(/^\[\d+\]\s*/, ""));
  return { body: lines.join("\n").trim(), cites };
}

function showReasoning(path) {
  const box = $("reasoning");
  if (!Array.isArray(path) || !path.length) { box.hidden = true; return; }
  $("hops").replaceChildren(...path.map((hop) => {
    if (typeof hop === "string") return el("li", { text: hop });
    const arrow = [hop.subject || hop.from || hop.head, hop.relation || hop.predicate, hop.object || hop.to || hop.tail || hop.answer]
      .filter(Boolean).join(" → ");
    const said = hop.claim || hop.fact || hop.text || hop.question;
    const main = said ? (arrow && arrow.includes(" → ") ? `${said}  (${arrow})` : said) : (arrow || JSON.stringify(hop));
    const li = el("li", {}, el("div", { text: main }));
    const cites = hop.citations || (hop.citation ? [hop.citation] : []);
    if (cites.length) li.append(el("div", { class: "cite", text: cites.map(citationText).join(" · ") }));
    return li;
  }));
  box.hidden = false;
}

// ------------------------------------------------------------------ plan graph and steps

function stepOrder(a, b) { return (parseInt(a.id.slice(1), 10) || 0) - (parseInt(b.id.slice(1), 10) || 0); }

function redraw() { drawGraph(); listSteps(); }

function ms(v) { return v === undefined || v === null ? "" : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`; }

function drawGraph() {
  const steps = [...state.steps.values()].sort(stepOrder);
  if (!steps.length) return;
  const W = 150, H = 42, GX = 46, GY = 14, PAD = 10;
  const level = new Map();
  const levelOf = (s, seen = new Set()) => {
    if (level.has(s.id)) return level.get(s.id);
    if (seen.has(s.id)) return 1;
    seen.add(s.id);
    const deps = (s.depends_on || []).map((d) => state.steps.get(d)).filter(Boolean);
    const l = deps.length ? 1 + Math.max(...deps.map((d) => levelOf(d, seen))) : 1;
    level.set(s.id, l);
    return l;
  };
  steps.forEach((s) => levelOf(s));
  const intents = (state.intents || []).filter((i) => i && i.id);
  const columns = new Map();
  const place = (key, l) => { if (!columns.has(l)) columns.set(l, []); columns.get(l).push(key); };
  intents.forEach((i) => place(`intent:${i.id}`, 0));
  steps.forEach((s) => place(`step:${s.id}`, level.get(s.id)));
  const pos = new Map();
  const first = intents.length ? 0 : 1;
  for (const [l, keys] of columns) keys.forEach((k, row) => pos.set(k, { x: PAD + (l - first) * (W + GX), y: PAD + row * (H + GY) }));
  const cols = Math.max(...columns.keys()) - first + 1;
  const rows = Math.max(...[...columns.values()].map((k) => k.length));
  const root = svg("svg", { width: PAD * 2 + cols * W + (cols - 1) * GX, height: PAD * 2 + rows * H + (rows - 1) * GY, role: "img", "aria-label": "execution plan" });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#9aa3b2" }));
  defs.append(marker); root.append(defs);
  const edge = (from, to) => {
    const a = pos.get(from), b = pos.get(to);
    if (!a || !b) return;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    root.append(svg("path", { class: "edge", d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - 2} ${y2}`, "marker-end": "url(#arrow)" }));
  };
  for (const s of steps) {
    for (const d of s.depends_on || []) edge(`step:${d}`, `step:${s.id}`);
    if (s.intent_id && !(s.depends_on || []).some((d) => state.steps.get(d)?.intent_id === s.intent_id)) edge(`intent:${s.intent_id}`, `step:${s.id}`);
  }
  const node = (key, cls, fill, line1, line2, id) => {
    const p = pos.get(key);
    const g = svg("g", { class: `node ${cls}`, transform: `translate(${p.x},${p.y})`, "data-id": id, "data-status": cls });
    g.append(svg("rect", { width: W, height: H, rx: 7, fill, stroke: cls === "skipped" ? "#9aa3b2" : fill, "stroke-dasharray": cls === "skipped" ? "4 3" : "" }));
    const t1 = svg("text", { x: 8, y: 17 }); t1.textContent = line1.slice(0, 22);
    const t2 = svg("text", { x: 8, y: 33, opacity: 0.9 }); t2.textContent = line2.slice(0, 24);
    const title = svg("title"); title.textContent = `${line1}\n${line2}`;
    g.append(title, t1, t2); root.append(g);
  };
  for (const i of intents) node(`intent:${i.id}`, "intent", COLORS.intent, `${i.id} ${i.type || "intent"}`, i.tool || (i.text || "").slice(0, 24), i.id);
  for (const s of steps) {
    const status = s.status || "pending";
    node(`step:${s.id}`, status, COLORS[status] || COLORS.pending, `${s.id} ${s.name || s.kind || ""}`,
      `${status}${s.duration_ms ? " · " + ms(s.duration_ms) : ""}`, s.id);
  }
  $("graph").replaceChildren(root);
}

function listSteps() {
  const steps = [...state.steps.values()].sort(stepOrder);
  $("steps").replaceChildren(...steps.map((s) => el("li", { "data-id": s.id },
    el("b", { text: s.id }),
    el("span", { text: `${s.kind || ""} ${s.name || ""}` }),
    el("span", { class: `badge ${s.status || "pending"}`, text: `${s.status || "pending"}${s.duration_ms ? " " + ms(s.duration_ms) : ""}` }),
    el("span", { class: "summary", text: s.summary || "" }))));
}

// ------------------------------------------------------------------ trace waterfall

function serviceColor(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h}, 58%, 52%)`;
}

async function loadTrace(again = 3) {
  if (!state.taskId) return;
  const resp = await api(`/v1/tasks/${encodeURIComponent(state.taskId)}/trace`);
  if (!resp.ok) return;
  const trace = await resp.json();
  const spans = (trace.spans || []).filter((s) => !s.name.endsWith(" create"));
  if (!spans.length) {
    $("waterfall").replaceChildren(el("p", { class: "muted", text: trace.note || "No spans yet." }));
    if (again > 0) setTimeout(() => loadTrace(again - 1), 1000);
    return;
  }
  const t0 = Math.min(...spans.map((s) => s.start_ns)), t1 = Math.max(...spans.map((s) => s.end_ns));
  const total = Math.max(t1 - t0, 1);
  const rows = spans.map((s) => {
    const service = String(s.service || "").replace(/^autoglm-/, "");
    const left = ((s.start_ns - t0) / total) * 100, width = ((s.end_ns - s.start_ns) / total) * 100;
    const bar = el("div", { class: `wf-bar${s.status === "ERROR" ? " error" : ""}`, title: `${service}: ${s.name} ${ms((s.end_ns - s.start_ns) / 1e6)}` });
    bar.style.left = `${left}%`; bar.style.width = `${Math.max(width, 0.4)}%`; bar.style.background = serviceColor(service);
    const name = el("div", { class: "wf-name", title: s.name, text: `${"\u00a0".repeat(Math.min(s.depth || 0, 10) * 2)}${service} · ${s.name}` });
    return el("div", { class: "wf-row" }, name, el("div", { class: "wf-track" }, bar));
  });
  const services = [...new Set(spans.map((s) => String(s.service || "").replace(/^autoglm-/, "")))].sort();
  $("waterfall").replaceChildren(...rows, el("div", { class: "wf-services", text: `${spans.length} spans, ${ms(total / 1e6)}, services: ${services.join(", ")}` }));
}

// ------------------------------------------------------------------ feedback and recent tasks

async function sendFeedback(score) {
  const body = { score };
  if ($("correction").value.trim()) body.correction = $("correction").value.trim();
  if ($("comment").value.trim()) body.comment = $("comment").value.trim();
  const resp = await api(`/v1/tasks/${encodeURIComponent(state.taskId)}/feedback`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!resp.ok) { $("feedback-state").textContent = await problemText(resp); return; }
  $(score > 0 ? "thumbs-up" : "thumbs-down").classList.add("chosen");
  $(score > 0 ? "thumbs-down" : "thumbs-up").classList.remove("chosen");
  $("feedback-state").textContent = "Thanks: recorded.";
}

async function loadRecent() {
  const resp = await api("/v1/tasks?limit=10");
  if (!resp.ok) return;
  const { tasks } = await resp.json();
  $("recent").replaceChildren(...tasks.map((t) => {
    const li = el("li", {}, el("span", { class: `badge ${t.status}`, text: t.status }), el("span", { class: "text", text: t.request || t.task_id }));
    li.addEventListener("click", async () => {
      const r = await api(`/v1/tasks/${encodeURIComponent(t.task_id)}`);
      if (r.ok) openTask(await r.json());
    });
    return li;
  }));
}

// ------------------------------------------------------------------ start

$("signin-form").addEventListener("submit", (e) => { e.preventDefault(); signIn($("token").value); });
$("signout").addEventListener("click", signOut);
$("submit-form").addEventListener("submit", submitTask);
$("thumbs-up").addEventListener("click", () => sendFeedback(1));
$("thumbs-down").addEventListener("click", () => sendFeedback(-1));

(function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) history.replaceState(null, "", location.pathname); // keep the token out of history
  const token = fromHash || localStorage.getItem("autoglm.token");
  if (token) signIn(token); else showSignIn();
})();
