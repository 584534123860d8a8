"""The console in headless Chromium against the gateway with a scripted Kafka side: the plan arrives
step by step, tokens stream, and the result carries citations and a multi-hop reasoning path, so every
part of the page is drawn (the real-stack run is tests/integration/test_console.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from .gateway_harness import gateway_settings, running_gateway

playwright_api = pytest.importorskip("playwright.async_api")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
ARTIFACTS = Path(os.environ.get("AUTOGLM_TEST_ARTIFACTS", REPO / "data" / "test-artifacts")) / "console"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)")

STEPS = [
    {"id": "s0", "kind": "memory_recall", "name": "recall", "status": "completed", "duration_ms": 4.1},
    {"id": "s1", "kind": "memory_recall", "name": "kb_search", "intent_id": "i1", "status": "pending"},
    {"id": "s2", "kind": "generation", "name": "generate", "intent_id": "i1", "status": "pending", "depends_on": ["s1"]},
]
INTENTS = [{"id": "i1", "type": "question_answering", "text": "谁批准了 Lumen 的采购?"}]
RESULT: dict[str, Any] = {
    "answer": "Lumen 的采购由财务总监王芳批准。\n[1] 采购制度 > 审批 (policy.md)\n[2] 组织架构 (org.md)",
    "intents": INTENTS,
    "steps": [{**STEPS[0]}, {**STEPS[1], "status": "completed", "duration_ms": 35.0, "summary": "2 passages"},
              {**STEPS[2], "status": "completed", "duration_ms": 812.0, "summary": "Lumen 的采购由…"}],
    "reasoning_path": [
        {"claim": "Lumen 的采购需财务总监审批", "citations": ["policy.md#审批"]},
        {"subject": "财务总监", "relation": "是", "object": "王芳", "citations": [{"citation": "组织架构", "source": "org.md"}]},
    ],
}


async def test_console_draws_plan_steps_tokens_answer_citations_and_reasoning(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with running_gateway(gateway_settings(tmp_path)) as gw:
        loop = asyncio.get_running_loop()

        def script(ev: Any) -> None:
            task_id, tenant = ev.taskid, ev.tenant
            plan = lambda: gw.link.progress(task_id, tenant, 10, "plan", steps=STEPS, intents=INTENTS)  # noqa: E731
            running = lambda: gw.link.progress(  # noqa: E731
                task_id, tenant, 11, "step", steps=[{**STEPS[1], "status": "running"}])
            token = lambda: gw.link.progress(task_id, tenant, 12, "tokens", step_id="s2", delta="Lumen 的采购…")  # noqa: E731
            for delay, fn in ((0.3, plan), (0.6, running), (0.9, token)):
                loop.call_later(delay, fn)
            loop.call_later(1.6, lambda: gw.link.finish(task_id, tenant, **RESULT))

        gw.link.on_task = script
        async with playwright_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                await page.goto(f"{gw.url}/#token={gw.tokens['acme']}")
                await page.wait_for_selector("#app:not([hidden])")
                await page.fill("#text", "谁批准了 Lumen 的采购?")
                await page.click("#submit")
                await page.wait_for_selector("#graph svg g.node[data-status=running]")
                await page.wait_for_function("document.querySelector('#answer').textContent.includes('Lumen 的采购…')")
                await page.wait_for_selector("#status.completed", timeout=15_000)
                nodes = await page.eval_on_selector_all(
                    "#graph svg g.node", "ns => ns.map(n => [n.dataset.id, n.dataset.status])")
                assert nodes == [["i1", "intent"], ["s0", "completed"], ["s1", "completed"], ["s2", "completed"]]
                assert await page.locator("#graph svg path.edge").count() == 2  # i1 -> s1 -> s2
                assert (await page.text_content("#answer") or "").strip() == "Lumen 的采购由财务总监王芳批准。"
                cites = await page.eval_on_selector_all("#citations li", "ls => ls.map(l => l.textContent)")
                assert cites == ["采购制度 > 审批 (policy.md)", "组织架构 (org.md)"]
                hops = await page.eval_on_selector_all("#hops li", "ls => ls.map(l => l.textContent)")
                assert len(hops) == 2 and "财务总监 → 是 → 王芳" in hops[1] and "org.md" in hops[1]
                assert "812 ms" in (await page.text_content("#steps") or "")
                await page.click("#thumbs-down")
                await page.wait_for_function("document.querySelector('#feedback-state').textContent.startsWith('Thanks')")
                await page.screenshot(path=str(ARTIFACTS / "scripted-desktop.png"), full_page=True)
                await page.set_viewport_size({"width": 390, "height": 844})
                assert await page.evaluate("document.documentElement.scrollWidth") <= 390
                await page.screenshot(path=str(ARTIFACTS / "scripted-phone.png"), full_page=True)
                assert not errors, errors
            finally:
                await browser.close()
    feedback = [e for _, e, _ in gw.link.published if e.type == "autoglm.feedback.submitted"]
    assert feedback and feedback[0].data.score == -1
