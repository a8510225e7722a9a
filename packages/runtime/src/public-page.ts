import type { FastifyPluginAsync } from 'fastify';

/**
 * The workers' public pages (工资查询, 反映欠薪): Chinese, for a phone, no account. Each is an HTML
 * page and a script file of its own, served under one CSP that allows no inline script, no
 * framing of other origins' resources and no form posts (the script calls the API).
 */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'";

/** The look the public pages share: the bureau's header, a narrow column, large touch targets. */
const BASE_CSS = `  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2329; background: #f5f6f7; }
  header { background: #163a5f; color: #fff; padding: 14px 16px; }
  header h1 { margin: 0; font-size: 20px; }
  header p { margin: 4px 0 0; font-size: 13px; opacity: .85; }
  main { max-width: 640px; margin: 0 auto; padding: 16px; }
  button { font: inherit; font-weight: 600; padding: 12px; border: 0; border-radius: 6px; background: #2d5f93; color: #fff; }
  .hint { font-size: 13px; color: #5c6670; font-weight: 400; }`;

export type PublicPage = {
  /** `/public/wages`: the page is `<path>.html`, its script `<path>.js`. */
  path: string;
  title: string;
  /** The OpenAPI summary of the page's route. */
  summary: string;
  /** The page's own rules, after the shared ones. */
  css: string;
  /** Everything inside `<body>` but the script tag. */
  body: string;
  script: string;
};

export function publicPageHtml(p: PublicPage): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title}</title>
<style>
${BASE_CSS}
${p.css}
</style>
</head>
<body>
${p.body}
<script src="${p.path}.js"></script>
</body>
</html>
`;
}

/** The page and its script as routes (the page in the OpenAPI document, the script hidden). */
export function publicPageRoutes(p: PublicPage): FastifyPluginAsync {
  const html = publicPageHtml(p);
  const headers = { 'content-security-policy': PUBLIC_PAGE_CSP, 'cache-control': 'public, max-age=300' };
  return async (app) => {
    app.get(
      `${p.path}.html`,
      { schema: { tags: ['public'], summary: p.summary, security: [], produces: ['text/html'] } },
      async (_req, reply) => reply.headers(headers).type('text/html; charset=utf-8').send(html),
    );
    app.get(`${p.path}.js`, { schema: { hide: true } }, async (_req, reply) =>
      reply.headers(headers).type('text/javascript; charset=utf-8').send(p.script),
    );
  };
}
