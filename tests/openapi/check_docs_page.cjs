#!/usr/bin/env node
// Loads a Sweet /docs page in headless Chromium and reports, as one JSON object on stdout, what
// a person would see and what the browser fetched. tests/e2e/test_openapi_docs.py runs it and
// makes the assertions; this script only observes.
//
//   node check_docs_page.cjs --url http://127.0.0.1:PORT/docs --chromium /usr/bin/chromium
//        --profile <new empty dir> --dead-proxy 127.0.0.1:PORT [--timeout-ms 20000]
//        [--execute "GET /path"]
//
// The network other than the page's own host is unreachable: every request that is not to a
// loopback address goes to --dead-proxy (a port where nothing listens), and no host name other
// than the page's own resolves. So the page can only work if the app serves everything.
//
// Output fields:
//   title          document.title
//   operations     [{method, path, summary}] from the rendered operation blocks
//   load_error     Swagger UI's error box text (e.g. "Failed to load API definition"), or null
//   requests       [{url, method, resource_type, status, failure}] for every request of the page
//   console_errors console messages of type "error"
//   page_errors    uncaught exceptions
//   executed       with --execute: {status, body} as Swagger UI's "Execute" shows them
//   error          set (and exit code 1) when the page never showed operations or an error box

"use strict";

const { chromium } = require("playwright-core");

function parseArgs(argv) {
  const args = { timeoutMs: 20000, execute: null };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value after ${argv[i]}`);
    switch (argv[i]) {
      case "--url": args.url = value; break;
      case "--chromium": args.chromium = value; break;
      case "--profile": args.profile = value; break;
      case "--dead-proxy": args.deadProxy = value; break;
      case "--timeout-ms": args.timeoutMs = Number(value); break;
      case "--execute": args.execute = value; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  for (const name of ["url", "chromium", "profile", "deadProxy"]) {
    if (!args[name]) throw new Error(`--${name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} is required`);
  }
  return args;
}

// Swagger UI draws each operation as a .opblock holding its method, path and summary.
function readOperations() {
  return Array.from(document.querySelectorAll(".swagger-ui .opblock")).map((block) => ({
    method: (block.querySelector(".opblock-summary-method")?.textContent || "").trim(),
    path: block.querySelector(".opblock-summary-path")?.getAttribute("data-path") || "",
    summary: (block.querySelector(".opblock-summary-description")?.textContent || "").trim(),
  }));
}

// Clicks "Execute" on the operation `method path` (tryItOutEnabled is on, so the button is
// there once the block is open) and returns the status and body Swagger UI shows.
async function executeOperation(page, spec, timeoutMs) {
  const [method, path] = spec.split(" ");
  const block = page.locator(".swagger-ui .opblock").filter({
    has: page.locator(`.opblock-summary-method:text-is("${method.toUpperCase()}")`),
  }).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  if ((await block.count()) !== 1) return { error: `no single operation block for ${spec}` };
  await block.locator(".opblock-summary").first().click();
  await block.locator("button.execute").click({ timeout: timeoutMs });
  const status = block.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: timeoutMs });
  const body = block.locator(".live-responses-table .response-col_description pre").first();
  return {
    status: (await status.textContent()).trim(),
    body: (await body.count()) ? (await body.textContent()) : null,
  };
}

async function main() {
  const args = parseArgs(process.argv);
  const report = {
    title: null, operations: [], load_error: null, requests: [], console_errors: [], page_errors: [],
    executed: null, error: null,
  };
  const context = await chromium.launchPersistentContext(args.profile, {
    executablePath: args.chromium,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
      // No way out: loopback goes direct (Chromium never proxies it), the rest to a dead port.
      `--proxy-server=http://${args.deadProxy}`,
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(args.url).hostname}`,
    ],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const byRequest = new Map();
    page.on("request", (request) => {
      const entry = { url: request.url(), method: request.method(), resource_type: request.resourceType(), status: null, failure: null };
      byRequest.set(request, entry);
      report.requests.push(entry);
    });
    page.on("response", (response) => {
      const entry = byRequest.get(response.request());
      if (entry) entry.status = response.status();
    });
    page.on("requestfailed", (request) => {
      const entry = byRequest.get(request);
      if (entry) entry.failure = request.failure()?.errorText || "failed";
    });
    page.on("console", (message) => {
      if (message.type() === "error") report.console_errors.push(message.text());
    });
    page.on("pageerror", (error) => report.page_errors.push(String(error && error.message || error)));

    await page.goto(args.url, { waitUntil: "load", timeout: args.timeoutMs });
    try {
      await page.waitForFunction(
        () => document.querySelector(".swagger-ui .opblock") || document.querySelector(".swagger-ui .errors-wrapper"),
        null, { timeout: args.timeoutMs });
    } catch (e) {
      report.error = `neither operations nor an error box appeared within ${args.timeoutMs} ms`;
    }
    // Let late requests (icons, fonts) finish so the request list is complete.
    await page.waitForLoadState("networkidle", { timeout: args.timeoutMs }).catch(() => {});
    report.title = await page.title();
    report.operations = await page.evaluate(readOperations);
    report.load_error = await page.evaluate(
      () => document.querySelector(".swagger-ui .errors-wrapper")?.textContent?.trim() || null);
    if (args.execute && !report.error) report.executed = await executeOperation(page, args.execute, args.timeoutMs);
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
  return report.error ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  process.stdout.write(JSON.stringify({ error: String(error && error.stack || error) }) + "\n");
  process.exit(2);
});
