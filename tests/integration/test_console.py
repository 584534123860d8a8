"""The web console in a real headless Chromium (Debian's `chromium`, driven by Playwright), against the
real stack: sign in with a token, submit a task, watch the plan graph and the answer arrive, read the
trace waterfall, rate the answer; at desktop and at phone width. Screenshots are kept as artefacts in
``$AUTOGLM_TEST_ARTIFACTS`` (default ``data/test-artifacts/console``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autoglm.shared.cli.stack import Stack

playwright_api = pytest.importorskip("playwright.async_api")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Chromium as root in a container: no sandbox (it needs user namespaces), no GPU, /tmp not /dev/shm.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
ARTIFACTS = Path(os.environ.get("AUTOGLM_TEST_ARTIFACTS", REPO / "data" / "test-artifacts")) / "console"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)")


async def test_console_submits_a_task_and_shows_plan_answer_trace_and_feedback(stack: Stack) -> None:
    assert stack.gateway_url and stack.dev_token
    url = stack.gateway_url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
            await page.goto(f"{url}/")
            await page.wait_for_selector("#signin:not([hidden])")
            await page.fill("#token", "not-a-token")
            await page.click("#signin-form button")
            await page.wait_for_function("document.querySelector('#signin-error').textContent.length > 0")
            await page.fill("#token", stack.dev_token)
            await page.click("#signin-form button")
            await page.wait_for_selector("#app:not([hidden])")
            assert "tenant default" in (await page.text_content("#who") or "")

            await page.fill("#text", "(12+8)*3等于多少？")
            await page.fill("#session", "console-session")
            await page.click("#submit")
            await page.wait_for_selector("#status.completed", timeout=120_000)
            await page.wait_for_selector("#graph svg g.node[data-status=completed]")
            answer = await page.text_content("#answer") or ""
            assert "60" in answer
            nodes = await page.eval_on_selector_all("#graph svg g.node", "ns => ns.map(n => n.dataset.status)")
            assert nodes.count("intent") >= 1 and nodes.count("completed") >= 1, nodes
            assert await page.locator("#graph svg path.edge").count() >= 1
            steps = await page.eval_on_selector_all("#steps li", "ls => ls.map(l => l.textContent)")
            assert any("calculator" in s for s in steps), steps
            await page.wait_for_selector(".wf-row >> nth=2", timeout=30_000)
            services = await page.text_content(".wf-services") or ""
            assert "gateway" in services and "planner" in services, services

            await page.fill("#correction", "60")
            await page.click("#thumbs-up")
            await page.wait_for_function("document.querySelector('#feedback-state').textContent.startsWith('Thanks')")
            await page.screenshot(path=str(ARTIFACTS / "desktop.png"), full_page=True)

            phone = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                              device_scale_factor=2)
            mobile = await phone.new_page()
            mobile.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
            await mobile.goto(f"{url}/#token={stack.dev_token}")
            await mobile.wait_for_selector("#recent li")
            await mobile.click("#recent li >> nth=0")
            await mobile.wait_for_selector("#status.completed", timeout=60_000)
            await mobile.wait_for_selector("#graph svg g.node")
            width = await mobile.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
            assert "#token" not in mobile.url, "the token stays out of the address bar"
            await mobile.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
        finally:
            await browser.close()
    assert not outside, f"the console fetched from elsewhere: {outside[:5]}"
