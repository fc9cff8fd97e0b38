// The generated TypeScript client (`make clients`: openapi-typescript's types for
// openapi-fetch) on the tasks an integrator starts with, as clients/python/tour.py does.
// Run against a server: clients/typescript/node_modules/.bin/tsx clients/typescript/tour.ts
// http://127.0.0.1:8000 prints a JSON report, which tests/test_clients.py compares with
// the Python tour's; the README quotes the passages between `readme:` markers (`make docs`).

// readme:typescript-article:start
import createClient from "openapi-fetch";
import type { components, paths } from "../../build/clients/typescript/api";

type Problem = components["schemas"]["Problem"];
// The media types to type responses by: plain JSON (not JSON-LD or FHIR), and problems.
type Media = "application/json" | "application/problem+json";

// readme:typescript-article:end
const LINK = /<([^>]*)>\s*;\s*rel="([^"]*)"/g;

/** The page number of the Link header's rel="next" target (RFC 8288), if any. */
function nextPage(link: string): number | undefined {
  for (const [, target, rel] of link.matchAll(LINK)) {
    if (rel === "next") return Number(new URL(target, "http://x").searchParams.get("page"));
  }
  return undefined;
}

/** Fail the tour: the report is only printed when every step went as expected. */
function fail(what: string, value: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(value)}`);
}

async function tour(baseUrl: string): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {};
  // readme:typescript-article:start
  const client = createClient<paths, Media>({ baseUrl });
  const slug = "laser-treatment-for-stretch-marks";
  const { data: article, response } = await client.GET("/v1/articles/{slug}", {
    params: { path: { slug }, query: { lang: "es" } },
  });
  if (!article) throw new Error(`status ${response.status}`);
  console.error(article.title, article.language, response.headers.get("Content-Language"));
  // Revalidate with the ETag: 304, no body, the copy you have is current.
  const again = await client.GET("/v1/articles/{slug}", {
    params: {
      path: { slug },
      query: { lang: "es" },
      header: { "If-None-Match": response.headers.get("ETag") ?? "" },
    },
  });
  if (again.response.status !== 304) throw new Error(`status ${again.response.status}`);
  // readme:typescript-article:end
  report.article_es = {
    language: article.language,
    content_language: response.headers.get("Content-Language"),
    sections: article.sections.length,
  };
  report.revalidated = again.response.status;

  const index = await client.GET("/v1/articles/{slug}/sections", {
    params: { path: { slug }, query: { lang: "ar" } },
  });
  if (!index.data) fail("section index", index.error);
  const sections: string[][] = [];
  for (const entry of index.data.sections) {
    const { data: section, error } = await client.GET("/v1/articles/{slug}/sections/{section_id}", {
      params: { path: { slug, section_id: entry.id }, query: { lang: "ar" } },
    });
    if (!section) fail("section", error);
    sections.push([section.id, section.language, section.direction]);
  }
  report.sections_ar = sections;

  // readme:typescript-problem:start
  const missing = await client.GET("/v1/articles/{slug}", {
    params: { path: { slug: "no-such-article" }, query: { lang: "de" } },
  });
  const problem: Problem | undefined = missing.error; // every 4xx is an RFC 9457 problem
  if (problem?.type === "urn:patient-info:problem:article-not-found") {
    console.error(problem.title, problem.detail, problem.request_id);
  }
  // readme:typescript-problem:end
  if (!problem) fail("not found", missing.response.status);
  report.not_found = { status: missing.response.status, type: problem.type, language: problem.language };

  const lookup: Record<string, number> = {};
  for (const code of ["L90.6", "Q99"]) {
    const { data: found, error } = await client.GET("/v1/articles", { params: { query: { code } } });
    if (!found) fail("lookup", error);
    lookup[code] = found.pagination.total_articles;
  }
  report.lookup = lookup;

  // readme:typescript-infobutton:start
  const { data: jsonFeed } = await client.GET("/v1/infobutton", {
    params: {
      query: {
        "mainSearchCriteria.v.c": "L90.62",
        "informationRecipient.languageCode.c": "sp",
        knowledgeResponseType: "application/json",
      },
    },
  });
  // Atom, the Infobutton's default: openapi-fetch parses JSON unless told otherwise.
  const atom = await client.GET("/v1/infobutton", {
    params: {
      query: { "mainSearchCriteria.v.c": "L90.62", "informationRecipient.languageCode.c": "ar" },
    },
    parseAs: "text",
  });
  // readme:typescript-infobutton:end
  if (!jsonFeed || atom.data === undefined) fail("infobutton", [jsonFeed, atom.error]);
  report.infobutton = {
    json: [jsonFeed.feed.lang, jsonFeed.feed.entry.length],
    atom: [
      atom.response.headers.get("Content-Type")?.split(";")[0],
      /<feed [^>]*xml:lang="([^"]*)"/.exec(atom.data)?.[1],
      atom.data.match(/<entry[ >]/g)?.length ?? 0,
    ],
  };

  const pages: string[][] = [];
  let page: number | undefined = 1;
  while (page !== undefined) {
    const listed = await client.GET("/v1/articles", { params: { query: { lang: "es", page } } });
    if (!listed.data) fail("page", listed.error);
    pages.push(listed.data.articles.map((summary) => summary.slug));
    page = nextPage(listed.response.headers.get("Link") ?? "");
  }
  report.pages = pages;
  return report;
}

console.log(JSON.stringify(await tour(process.argv[2])));
